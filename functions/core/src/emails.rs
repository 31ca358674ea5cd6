//! Email templates, rendered here so SES and the local outbox send the same
//! message. askama escapes HTML; the text variant is rendered unescaped.

use askama::Template;

use crate::ports::Email;
use crate::{EmailAddress, Error};

#[derive(Template)]
#[template(path = "magic_link.html")]
struct MagicLinkHtml<'a> {
    display_name: &'a str,
    link: &'a str,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "magic_link.txt", escape = "none")]
struct MagicLinkText<'a> {
    display_name: &'a str,
    link: &'a str,
    minutes: i64,
}

/// P1: the sign-in link email.
pub fn magic_link(to: EmailAddress, display_name: &str, link: &str, minutes: i64) -> Result<Email, Error> {
    let render_error = |e: askama::Error| Error::Unavailable(anyhow::Error::new(e).context("rendering sign-in email"));
    Ok(Email {
        to,
        subject: "Your Gatehouse sign-in link".to_owned(),
        text: MagicLinkText { display_name, link, minutes }.render().map_err(render_error)?,
        html: MagicLinkHtml { display_name, link, minutes }.render().map_err(render_error)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let to = EmailAddress::parse("a@b.example").unwrap();
        let email = magic_link(to, "Ann <script>", "https://x.example/auth#token=abc", 10).unwrap();
        assert!(email.html.contains("Ann &#60;script&#62;") || email.html.contains("Ann &lt;script&gt;"));
        assert!(email.text.contains("Ann <script>"));
        assert!(email.text.contains("https://x.example/auth#token=abc"));
        assert!(email.text.contains("10 minutes"));
    }
}
