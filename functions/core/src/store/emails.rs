//! Email templates, rendered here so SES and the local outbox send the same
//! message. askama escapes HTML; the text variant is rendered unescaped.

use gatehouse_model::AuthorisationReceipt;

use crate::base::ports::Email;
use crate::{EmailAddress, Error};

/// Declares an email's fields once, and its two renderings over them:
/// `templates/<name>.txt` as written and `templates/<name>.html` escaped.
/// `Fields { … }.email(to, subject, what)` renders both.
macro_rules! email_templates {
    (
        $(#[$meta:meta])* $vis:vis $fields:ident, $text:literal, $html:literal {
            $($(#[$doc:meta])* $field_vis:vis $field:ident: $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $fields<'a> {
            $($(#[$doc])* $field_vis $field: $ty),*
        }

        impl $fields<'_> {
            /// The email, `what` naming it if a template fails to render.
            fn email(
                &self,
                to: $crate::EmailAddress,
                subject: String,
                what: &'static str,
            ) -> $crate::Result<$crate::base::ports::Email> {
                #[derive(askama::Template)]
                #[template(path = $text, escape = "none")]
                struct Text<'a> {
                    $($field: $ty),*
                }

                #[derive(askama::Template)]
                #[template(path = $html)]
                struct Html<'a> {
                    $($field: $ty),*
                }

                let $fields { $($field),* } = *self;
                let failed = |error| $crate::Error::Unavailable(anyhow::Error::new(error).context(what));
                let text = askama::Template::render(&Text { $($field),* }).map_err(failed)?;
                let html = askama::Template::render(&Html { $($field),* }).map_err(failed)?;
                Ok($crate::base::ports::Email { to, subject, text, html })
            }
        }
    };
}
pub(crate) use email_templates;

email_templates!(MagicLinkMail, "magic_link.txt", "magic_link.html" {
    display_name: &'a str,
    portal: &'a str,
    link: &'a str,
    minutes: i64,
});

email_templates!(ReauthorisationMail, "reauthorisation.txt", "reauthorisation.html" {
    contact_name: &'a str,
    partner_name: &'a str,
    app_name: &'a str,
    added: &'a [&'a str],
    link: &'a str,
    days: i64,
});

email_templates!(TeamWelcomeMail, "team_welcome.txt", "team_welcome.html" {
    display_name: &'a str,
    partner_name: &'a str,
    added_by: &'a str,
    sign_in_url: &'a str,
});

email_templates!(
    /// Who an invitation is for and what it asks.
    pub InvitationMail, "invitation.txt", "invitation.html" {
        pub contact_name: &'a str,
        pub partner_name: &'a str,
        pub app_name: &'a str,
        pub scopes: &'a [&'a str],
        pub link: &'a str,
        pub days: i64,
        pub reminder: bool,
    }
);

/// S1: the "Begin Authorisation" invitation (also resends and re-invites).
pub fn invitation(to: EmailAddress, mail: &InvitationMail<'_>) -> Result<Email, Error> {
    let InvitationMail { partner_name, app_name, reminder, .. } = *mail;
    let subject = if reminder {
        format!("Reminder: {partner_name} asks your school to share data with {app_name}")
    } else {
        format!("{partner_name} asks your school to share data with {app_name}")
    };
    mail.email(to, subject, "rendering invitation email")
}

/// P10: an app asks for more scopes; the school reviews them.
pub fn reauthorisation(
    to: EmailAddress,
    contact_name: &str,
    partner_name: &str,
    app_name: &str,
    added: &[&str],
    link: &str,
    days: i64,
) -> Result<Email, Error> {
    ReauthorisationMail { contact_name, partner_name, app_name, added, link, days }.email(
        to,
        format!("{app_name} asks for more data: please review"),
        "rendering re-authorisation email",
    )
}

/// Team: a colleague was added and can now sign in.
pub fn team_welcome(
    to: EmailAddress,
    display_name: &str,
    partner_name: &str,
    added_by: &str,
    sign_in_url: &str,
) -> Result<Email, Error> {
    TeamWelcomeMail { display_name, partner_name, added_by, sign_in_url }.email(
        to,
        format!("You have been added to {partner_name} on Gatehouse"),
        "rendering welcome email",
    )
}

email_templates!(ReceiptMail, "receipt.txt", "receipt.html" {
    greeting: &'a str,
    /// The school portal's sign-in page, for the school's copy.
    portal: Option<&'a str>,
    receipt: &'a AuthorisationReceipt,
    scopes: &'a str,
    gdpr_mode: &'a str,
    feed: &'a str,
});

/// S2: the authorisation receipt, to the school and the partner contact.
pub fn receipt(
    to: EmailAddress,
    greeting: &str,
    receipt: &AuthorisationReceipt,
    portal: Option<&str>,
) -> Result<Email, Error> {
    let scopes: Vec<&str> = receipt.granted_scopes.iter().map(|scope| scope.label()).collect();
    let scopes = scopes.join(", ");
    let (gdpr_mode, feed) = (receipt.gdpr_mode.label(), receipt.feed_status.label());
    ReceiptMail { greeting, portal, receipt, scopes: &scopes, gdpr_mode, feed }.email(
        to,
        format!("Receipt: {} authorised {}", receipt.school_name, receipt.app_name),
        "rendering receipt email",
    )
}

email_templates!(CaseForSupportMail, "case_for_support.txt", "case_for_support.html" {
    escalated: bool,
    partner_name: &'a str,
    case_id: &'a str,
    reason: &'a str,
    category: &'a str,
    summary: &'a str,
    school: &'a str,
    raised_by: &'a str,
    link: &'a str,
});

/// What the case emails say about a support case (`CaseRecord::mail`).
#[derive(Clone, Copy)]
pub struct CaseMail<'a> {
    pub case_id: &'a str,
    pub partner_name: &'a str,
    pub category: &'a str,
    pub summary: &'a str,
    pub school_name: Option<&'a str>,
    pub raised_by: &'a str,
    pub contact_name: &'a str,
    pub escalated: bool,
    pub escalation_reason: Option<&'a str>,
}

/// P9 / O1: a new or escalated case, to the support team's address.
pub fn case_for_support(to: EmailAddress, case: &CaseMail<'_>, link: &str) -> Result<Email, Error> {
    let CaseMail { case_id, partner_name, summary, raised_by, escalated, category, .. } = *case;
    let reason = case.escalation_reason.unwrap_or_default();
    let school = case.school_name.unwrap_or("None given");
    let subject = if escalated {
        format!("Escalated: case {case_id} from {partner_name}")
    } else {
        format!("New case {case_id} from {partner_name}: {summary}")
    };
    CaseForSupportMail { escalated, partner_name, case_id, reason, category, summary, school, raised_by, link }.email(
        to,
        subject,
        "rendering case email for support",
    )
}

email_templates!(CaseUpdateMail, "case_update.txt", "case_update.html" {
    contact_name: &'a str,
    support_name: &'a str,
    case_id: &'a str,
    summary: &'a str,
    reply: Option<&'a str>,
    link: &'a str,
});

/// P9: support replied to (`reply`) or closed (`None`) a case; to its contact.
pub fn case_update(
    to: EmailAddress,
    case: &CaseMail<'_>,
    support_name: &str,
    reply: Option<&str>,
    link: &str,
) -> Result<Email, Error> {
    let CaseMail { contact_name, case_id, summary, .. } = *case;
    let subject = match reply {
        Some(_) => format!("Support replied to your case {case_id}"),
        None => format!("Your case {case_id} was closed"),
    };
    CaseUpdateMail { contact_name, support_name, case_id, summary, reply, link }.email(
        to,
        subject,
        "rendering case update email",
    )
}

/// P1: the sign-in link email.
/// `portal` names where the link signs in, e.g. "the Gatehouse school portal".
pub fn magic_link(
    to: EmailAddress,
    display_name: &str,
    portal: &str,
    link: &str,
    minutes: i64,
) -> Result<Email, Error> {
    MagicLinkMail { display_name, portal, link, minutes }.email(
        to,
        "Your Gatehouse sign-in link".to_owned(),
        "rendering sign-in email",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let to = EmailAddress::parse("a@b.example").unwrap();
        let email =
            magic_link(to, "Ann <script>", "the Gatehouse partner portal", "https://x.example/auth#token=abc", 10)
                .unwrap();
        assert!(email.html.contains("Ann &#60;script&#62;") || email.html.contains("Ann &lt;script&gt;"));
        assert!(email.text.contains("Ann <script>"));
        assert!(email.text.contains("https://x.example/auth#token=abc"));
        assert!(email.text.contains("10 minutes"));
    }
}

email_templates!(ApprovalRequestMail, "approval_request.txt", "approval_request.html" {
    admin_name: &'a str,
    requester: &'a str,
    app_name: &'a str,
    partner_name: &'a str,
    school_name: &'a str,
    scopes: &'a str,
    portal: &'a str,
});

/// What an approval request names, for each admin's copy.
pub struct ApprovalRequest<'a> {
    pub requester: &'a str,
    pub app_name: &'a str,
    pub partner_name: &'a str,
    pub school_name: &'a str,
    pub scopes: &'a str,
    pub portal: &'a str,
}

/// #12: someone who is not an admin authorised through an emailed link; to
/// each admin of the school.
pub fn approval_request(to: EmailAddress, admin_name: &str, request: &ApprovalRequest<'_>) -> Result<Email, Error> {
    let ApprovalRequest { requester, app_name, partner_name, school_name, scopes, portal } = *request;
    ApprovalRequestMail { admin_name, requester, app_name, partner_name, school_name, scopes, portal }.email(
        to,
        format!("{app_name} asks to read {school_name}'s data: an admin must approve"),
        "rendering approval request email",
    )
}

email_templates!(AgentKeyRotatedMail, "agent_key_rotated.txt", "agent_key_rotated.html" {
    admin_name: &'a str,
    rotated_by: &'a str,
    school_name: &'a str,
    portal: &'a str,
});

/// #12: the school's MIS agent key was replaced; to every admin of the school.
pub fn agent_key_rotated(
    to: EmailAddress,
    admin_name: &str,
    rotated_by: &str,
    school_name: &str,
    portal: &str,
) -> Result<Email, Error> {
    AgentKeyRotatedMail { admin_name, rotated_by, school_name, portal }.email(
        to,
        format!("A new MIS agent key was issued for {school_name}"),
        "rendering agent key email",
    )
}

// #16: the partner is reminded of an erasure its app has not confirmed.
email_templates!(pub ErasureReminderMail, "erasure_reminder.txt", "erasure_reminder.html" {
    pub partner_name: &'a str,
    pub school_name: &'a str,
    pub app_name: &'a str,
    pub revoked_on: &'a str,
    pub days: u32,
    pub api_url: &'a str,
    pub link: &'a str,
});

/// #16: erasure not yet confirmed, `days` after access ended.
pub fn erasure_reminder(to: EmailAddress, mail: &ErasureReminderMail<'_>) -> Result<Email, Error> {
    mail.email(
        to,
        format!("Reminder: confirm {} erased {}'s data", mail.app_name, mail.school_name),
        "rendering an erasure reminder",
    )
}
