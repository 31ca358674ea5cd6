//! Who may say yes for a school (#12). An emailed "Begin Authorisation" link
//! proves only that its holder reads the mailbox it was sent to, and a
//! partner chooses that mailbox. So the link alone never puts a grant in
//! force: an admin of the school does, or operations verify the authoriser,
//! or the address is at a domain the school directory verified as the
//! school's own.

use gatehouse_model::TeamRole;

use crate::registry::domains::is_shared_domain;
use crate::store::records::{SchoolLinkRecord, SchoolUserRecord};
use crate::{EmailAddress, Gatehouse, Result, SchoolUrn, account::accounts, registry::directory};

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
    fn an_address_matches_its_domain_and_subdomains_only() {
        let email = EmailAddress::parse("head@staff.oakfield.sch.uk").unwrap();
        assert!(at_domain(&email, "oakfield.sch.uk"));
        assert!(at_domain(&email, "staff.oakfield.sch.uk"));
        assert!(!at_domain(&email, "field.sch.uk"));
        let lookalike = EmailAddress::parse("head@evil-oakfield.sch.uk").unwrap();
        assert!(!at_domain(&lookalike, "oakfield.sch.uk"));
    }
}
