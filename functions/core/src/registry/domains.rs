//! Web and email domains: which vouch for a school and which anyone can
//! hold. The directory stores a school's domains in this form and authority
//! checks an authoriser's address against them.

/// Free-mail and shared-hosting domains: anyone can have an address or a
/// site there, so they never vouch for a school.
const SHARED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "gmx.co.uk",
    "mail.com",
    "yandex.com",
    "zoho.com",
    "btinternet.com",
    "sky.com",
    "talktalk.net",
    "virginmedia.com",
    "sites.google.com",
    "wixsite.com",
    "weebly.com",
    "wordpress.com",
    "blogspot.com",
    "squarespace.com",
];

/// Whether anyone may hold an address (or a site) at `domain`.
pub fn is_shared_domain(domain: &str) -> bool {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    SHARED_DOMAINS.iter().any(|shared| domain == *shared || domain.ends_with(&format!(".{shared}")))
}

/// A domain as the directory keeps it, or `None` if it cannot vouch for a
/// school: lower-case, no scheme, path or `www.`, dotted, not shared.
pub fn school_domain(raw: &str) -> Option<String> {
    let raw = raw.trim().to_ascii_lowercase();
    let without_scheme = raw.split_once("://").map_or(raw.as_str(), |(_, rest)| rest);
    let host = without_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let valid = host.contains('.')
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    (valid && !is_shared_domain(host)).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_addresses_become_bare_domains() {
        assert_eq!(school_domain("https://www.oakfield.sch.uk/about"), Some("oakfield.sch.uk".into()));
        assert_eq!(school_domain("oakfield.sch.uk"), Some("oakfield.sch.uk".into()));
        assert_eq!(school_domain("http://Oakfield.Sch.UK:8080"), Some("oakfield.sch.uk".into()));
    }

    #[test]
    fn shared_and_broken_domains_never_vouch() {
        for raw in
            ["gmail.com", "https://oakfield.wixsite.com/home", "sites.google.com/view/x", "localhost", "", "a..b"]
        {
            assert_eq!(school_domain(raw), None, "{raw}");
        }
    }
}
