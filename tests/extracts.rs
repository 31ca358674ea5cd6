//! Extracts a test builds from a synthetic school's.

use std::collections::HashSet;

use gatehouse_model::Extract;

/// A full extract of the first `keep` pupils of `full`, without the contacts and group places of
/// the others: a term rollover gone wrong, which the deletion guard holds.
pub fn first_pupils(full: &Extract, keep: usize) -> Extract {
    let mut shrunk = full.clone();
    shrunk.students.truncate(keep);
    let kept: HashSet<String> = shrunk.students.iter().map(|s| s.id.clone()).collect();
    shrunk.contacts.retain(|c| c.relationships.iter().all(|r| kept.contains(&r.student_id)));
    for group in &mut shrunk.groups {
        group.student_ids.retain(|id| kept.contains(id));
    }
    shrunk
}
