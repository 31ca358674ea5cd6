//! The columns of the matrix: everyone who can call Gatehouse, as the
//! issue lists them, and how each one proves who they are.

use std::net::{IpAddr, Ipv4Addr};

/// One column. The "other" callers are tenants with no claim on the
/// records the rows name: another partner, a school user of another school,
/// another partner's app, another school's agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Caller {
    Anonymous,
    PartnerMember,
    PartnerAdmin,
    OtherPartner,
    /// A member (not an admin) of the other partner: on the demo partner's
    /// records still `404`, before any question of role.
    OtherPartnerMember,
    SchoolMember,
    SchoolAdmin,
    OtherSchool,
    Ops,
    /// A key of the demo app, which the school concerned granted every data area.
    AppKey,
    /// A key of an app the school concerned shares with, but with no data area
    /// left in its grant: the app asks for staff only, the school granted students.
    AppKeyNoScope,
    /// A key of the other partner's app, which has no link to the school concerned.
    OtherAppKey,
    /// The MIS agent key of the school concerned.
    Agent,
    /// The MIS agent key of another school.
    OtherAgent,
}

impl Caller {
    pub const ALL: [Caller; 14] = [
        Caller::Anonymous,
        Caller::PartnerMember,
        Caller::PartnerAdmin,
        Caller::OtherPartner,
        Caller::OtherPartnerMember,
        Caller::SchoolMember,
        Caller::SchoolAdmin,
        Caller::OtherSchool,
        Caller::Ops,
        Caller::AppKey,
        Caller::AppKeyNoScope,
        Caller::OtherAppKey,
        Caller::Agent,
        Caller::OtherAgent,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::PartnerMember => "partner member",
            Caller::PartnerAdmin => "partner admin",
            Caller::OtherPartner => "other partner",
            Caller::OtherPartnerMember => "other partner's member",
            Caller::SchoolMember => "school member",
            Caller::SchoolAdmin => "school admin",
            Caller::OtherSchool => "other school's user",
            Caller::Ops => "ops",
            Caller::AppKey => "app key",
            Caller::AppKeyNoScope => "app key without the scope",
            Caller::OtherAppKey => "other partner's app key",
            Caller::Agent => "agent key",
            Caller::OtherAgent => "other school's agent key",
        }
    }

    /// A short word for the addresses and labels a caller's requests make.
    pub fn slug(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::PartnerMember => "partner-member",
            Caller::PartnerAdmin => "partner-admin",
            Caller::OtherPartner => "other-partner",
            Caller::OtherPartnerMember => "other-partner-member",
            Caller::SchoolMember => "school-member",
            Caller::SchoolAdmin => "school-admin",
            Caller::OtherSchool => "other-school",
            Caller::Ops => "ops",
            Caller::AppKey => "app-key",
            Caller::AppKeyNoScope => "app-key-no-scope",
            Caller::OtherAppKey => "other-app-key",
            Caller::Agent => "agent",
            Caller::OtherAgent => "other-agent",
        }
    }

    /// Whether the caller is another tenant: for a record of the tenant
    /// concerned it must get `404`, never `403`.
    pub fn is_other_tenant(self) -> bool {
        matches!(
            self,
            Caller::OtherPartner
                | Caller::OtherPartnerMember
                | Caller::OtherSchool
                | Caller::OtherAppKey
                | Caller::OtherAgent
        )
    }

    /// What another tenant must never read in any answer: the tenant
    /// concerned's ids, names and addresses (none of which its own requests
    /// name, so none can come back as an echo).
    pub fn must_not_see(self) -> &'static [&'static str] {
        match self {
            Caller::OtherPartner | Caller::OtherPartnerMember => {
                &["demo-partner", "Demo Partner Ltd", "demo@partner.example", "sam@partner.example"]
            }
            Caller::OtherSchool => &["3280003", "head@school.example", "mo.member@school.example"],
            Caller::OtherAppKey => &["demo-app", "demo-partner", "Demo Timetabler", "demo@partner.example"],
            Caller::OtherAgent => &["3280003", "head@school.example"],
            _ => &[],
        }
    }

    /// Each caller calls from its own loopback address, as different
    /// people do from different machines: the per-address budgets of
    /// sign-in and invitation links then count each caller alone.
    pub fn address(self) -> IpAddr {
        let index = Caller::ALL.iter().position(|caller| *caller == self).expect("in ALL") as u8;
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10 + index))
    }
}

/// How a caller's request proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// No cookie, no key.
    Nothing,
    /// The session cookie of a portal, kept by the client.
    Session,
    /// `Authorization: Bearer <key>`: an app or agent key.
    Bearer(String),
}

/// A caller ready to call: its client (from its own address) and credentials.
#[derive(Clone)]
pub struct Identity {
    pub client: reqwest::Client,
    pub credentials: Credentials,
}

/// A client calling from `address`; with a cookie store for sessions.
pub fn client_from(address: IpAddr) -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).local_address(address).build().expect("a client")
}
