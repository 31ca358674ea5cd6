//! P10 / A1 data scopes: what an app may ask to read. The four resources and
//! each contextual flag are separate scopes, so a school can see exactly what
//! it is asked for and an app reads exactly what was granted.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One data area or contextual flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Students,
    Staff,
    Contacts,
    Groups,
    PupilPremium,
    ServiceChild,
    FreeSchoolMeals,
    Ever6FreeSchoolMeals,
    SenStatus,
    MoreAble,
    Traveller,
    LookedAfter,
    EverLookedAfter,
    HomeLanguage,
}

/// Whether a scope is a whole resource or a flag on student records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Resource,
    ContextualFlag,
}

impl Scope {
    pub const ALL: [Scope; 14] = [
        Scope::Students,
        Scope::Staff,
        Scope::Contacts,
        Scope::Groups,
        Scope::PupilPremium,
        Scope::ServiceChild,
        Scope::FreeSchoolMeals,
        Scope::Ever6FreeSchoolMeals,
        Scope::SenStatus,
        Scope::MoreAble,
        Scope::Traveller,
        Scope::LookedAfter,
        Scope::EverLookedAfter,
        Scope::HomeLanguage,
    ];

    pub fn kind(self) -> ScopeKind {
        match self {
            Scope::Students | Scope::Staff | Scope::Contacts | Scope::Groups => ScopeKind::Resource,
            _ => ScopeKind::ContextualFlag,
        }
    }

    /// The wire name, as in `?scope=` and stored sets.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Students => "students",
            Scope::Staff => "staff",
            Scope::Contacts => "contacts",
            Scope::Groups => "groups",
            Scope::PupilPremium => "pupil_premium",
            Scope::ServiceChild => "service_child",
            Scope::FreeSchoolMeals => "free_school_meals",
            Scope::Ever6FreeSchoolMeals => "ever6_free_school_meals",
            Scope::SenStatus => "sen_status",
            Scope::MoreAble => "more_able",
            Scope::Traveller => "traveller",
            Scope::LookedAfter => "looked_after",
            Scope::EverLookedAfter => "ever_looked_after",
            Scope::HomeLanguage => "home_language",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Students => "Students",
            Scope::Staff => "Staff",
            Scope::Contacts => "Contacts",
            Scope::Groups => "Groups",
            Scope::PupilPremium => "Pupil Premium",
            Scope::ServiceChild => "Service child",
            Scope::FreeSchoolMeals => "Free school meals (FSM)",
            Scope::Ever6FreeSchoolMeals => "Ever 6 FSM",
            Scope::SenStatus => "SEN status",
            Scope::MoreAble => "More able",
            Scope::Traveller => "Traveller",
            Scope::LookedAfter => "Looked after",
            Scope::EverLookedAfter => "Ever looked after",
            Scope::HomeLanguage => "Home language",
        }
    }

    /// What sharing this scope means, in words a school office understands.
    pub fn description(self) -> &'static str {
        match self {
            Scope::Students => "Pupils on roll: names, year and registration groups, dates of birth.",
            Scope::Staff => "Staff members: names, roles and work contact details.",
            Scope::Contacts => "Parents and carers: names, contact details and how they relate to each pupil.",
            Scope::Groups => "Classes, year groups and other groups, with their members.",
            Scope::PupilPremium => "Whether a pupil attracts Pupil Premium funding.",
            Scope::ServiceChild => "Whether a pupil has a parent in the armed forces.",
            Scope::FreeSchoolMeals => "Whether a pupil currently receives free school meals.",
            Scope::Ever6FreeSchoolMeals => "Whether a pupil received free school meals in the last six years.",
            Scope::SenStatus => "A pupil's special educational needs status.",
            Scope::MoreAble => "Whether a pupil is recorded as more able.",
            Scope::Traveller => "Whether a pupil is from a traveller family.",
            Scope::LookedAfter => "Whether a pupil is currently in local authority care.",
            Scope::EverLookedAfter => "Whether a pupil has ever been in local authority care.",
            Scope::HomeLanguage => "The language a pupil speaks at home.",
        }
    }
}

/// A set of scopes, always in a stable order.
pub type ScopeSet = BTreeSet<Scope>;

/// `GET /api/partner/apps/{app_id}/permissions`: the app's permission set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionSet {
    pub app_id: String,
    pub app_name: String,
    pub requested: ScopeSet,
    /// Authorised schools whose grant lacks some requested scope.
    pub schools_needing_reauthorisation: u32,
    /// Authorised schools in total.
    pub authorised_schools: u32,
}

/// `POST /api/partner/apps/{app_id}/permissions`: the whole new set. Saving the
/// same set again changes nothing and emails no one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePermissionSet {
    pub requested: ScopeSet,
}

/// What saving a permission set did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionSetSaved {
    pub permission_set: PermissionSet,
    pub added: ScopeSet,
    pub removed: ScopeSet,
    /// School contacts emailed to review the added scopes.
    pub schools_notified: u32,
}
