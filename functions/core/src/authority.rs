//! Who may say yes for a school (#12). An emailed "Begin Authorisation" link
//! proves only that its holder reads the mailbox it was sent to, and a
//! partner chooses that mailbox. So the link alone never puts a grant in
//! force: an admin of the school does, or operations verify the authoriser,
//! or the address is at a domain the school directory verified as the
//! school's own.

use gatehouse_model::TeamRole;

use crate::records::{SchoolLinkRecord, SchoolUserRecord};
use crate::{EmailAddress, Gatehouse, Result, SchoolUrn, accounts, directory};

/// What an authorisation by `email` at a school can do.
#[derive(Debug)]
pub enum Authority {
    /// They are an admin of the school's Gatehouse account: it takes effect.
    Admin,
    /// The school has no admin yet, and their address is at one of the
    /// school's verified domains: it takes effect and they become its admin.
    VerifiedDomain,
    /// The school has admins and they are not one: the admins decide.
    AdminsDecide(Vec<SchoolUserRecord>),
    /// The school has no admin and nothing vouches for the address:
    /// operations verify them first.
    NeedsVerification { directory_domains: Vec<String> },
}

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

/// Whether `email` is at `domain` or one of its subdomains.
fn at_domain(email: &EmailAddress, domain: &str) -> bool {
    let at = email.domain();
    at == domain || at.ends_with(&format!(".{domain}"))
}

/// The school's admins: the people who decide for it.
pub async fn admins(gatehouse: &Gatehouse, link: &SchoolLinkRecord) -> Result<Vec<SchoolUserRecord>> {
    let team = accounts::school_team(gatehouse, &link.school_id).await?;
    Ok(team.into_iter().filter(|user| user.access == TeamRole::Admin).collect())
}

/// The directory's verified domains for the link's school.
pub async fn directory_domains(gatehouse: &Gatehouse, link: &SchoolLinkRecord) -> Result<Vec<String>> {
    let Some(urn) = link.urn.as_deref().and_then(|urn| SchoolUrn::parse(urn).ok()) else {
        return Ok(Vec::new());
    };
    Ok(directory::get(gatehouse.table.as_ref(), &urn).await?.map(|school| school.email_domains).unwrap_or_default())
}

/// What `email` may do for the link's school.
pub async fn of(gatehouse: &Gatehouse, link: &SchoolLinkRecord, email: &EmailAddress) -> Result<Authority> {
    let admins = admins(gatehouse, link).await?;
    if admins.iter().any(|admin| &admin.email == email) {
        return Ok(Authority::Admin);
    }
    if !admins.is_empty() {
        return Ok(Authority::AdminsDecide(admins));
    }
    let directory_domains = directory_domains(gatehouse, link).await?;
    if directory_domains.iter().any(|domain| !is_shared_domain(domain) && at_domain(email, domain)) {
        return Ok(Authority::VerifiedDomain);
    }
    Ok(Authority::NeedsVerification { directory_domains })
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

    #[test]
    fn an_address_matches_its_domain_and_subdomains_only() {
        let email = EmailAddress::parse("head@staff.oakfield.sch.uk").unwrap();
        assert!(at_domain(&email, "oakfield.sch.uk"));
        assert!(at_domain(&email, "staff.oakfield.sch.uk"));
        assert!(!at_domain(&email, "field.sch.uk"));
        let lookalike = EmailAddress::parse("head@evil-oakfield.sch.uk").unwrap();
        assert!(!at_domain(&lookalike, "oakfield.sch.uk"));
    }
}
