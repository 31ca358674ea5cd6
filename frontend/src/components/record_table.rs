//! A table of records that sorts nothing (the school lists sort, in `schools_table`): it scrolls
//! sideways in a region of its own that the keyboard can reach, named by the table's caption.

use leptos::prelude::*;

#[component]
pub fn RecordTable(
    /// The caption's id, which names the scrolling region too.
    caption_id: &'static str,
    caption: &'static str,
    /// Shows the caption; most tables leave it to screen readers, as a heading above says it.
    #[prop(optional)]
    caption_shown: bool,
    /// The table's classes besides `schools`, which gives every table its look.
    #[prop(optional)]
    class: Option<&'static str>,
    /// The column headings, in order.
    columns: &'static [&'static str],
    /// Adds a last column for each row's buttons, named for screen readers only.
    #[prop(optional)]
    actions: bool,
    /// The rows.
    children: Children,
) -> impl IntoView {
    let class = class.map_or_else(|| "schools".to_owned(), |class| format!("schools {class}"));
    view! {
        <div class="table-scroll" role="region" aria-labelledby=caption_id tabindex="0">
            <table class=class>
                <caption id=caption_id class=(!caption_shown).then_some("visually-hidden")>{caption}</caption>
                <TableHead columns actions />
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The column headings of a table that sorts nothing, in order, and, with `actions`, a last one
/// for each row's buttons, named for screen readers only.
#[component]
pub fn TableHead(columns: &'static [&'static str], #[prop(optional)] actions: bool) -> impl IntoView {
    let headings = columns.iter().map(|name| view! { <th scope="col" class="unsorted">{*name}</th> }).collect_view();
    let actions = actions.then(|| {
        view! {
            <th scope="col" class="unsorted">
                <span class="visually-hidden">"Actions"</span>
            </th>
        }
    });
    view! {
        <thead>
            <tr>{headings}{actions}</tr>
        </thead>
    }
}
