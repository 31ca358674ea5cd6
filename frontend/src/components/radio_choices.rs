//! A group of radio buttons, one `choice` row each with its label, answering one question.

use leptos::prelude::*;

/// One radio button: its id, its label, and the answer it gives.
pub type RadioChoice<T> = (String, String, T);

/// The radio buttons of the group `name`: choosing one sets `answer` to its value, then runs
/// `on_choose`.
#[component]
pub fn RadioChoices<T: Clone + PartialEq + Send + Sync + 'static>(
    #[prop(into)] name: String,
    choices: Vec<RadioChoice<T>>,
    answer: RwSignal<T>,
    #[prop(optional)] on_choose: Option<Callback<()>>,
) -> impl IntoView {
    choices
        .into_iter()
        .map(|(id, label, value)| {
            let chosen = value.clone();
            view! {
                <div class="choice">
                    <input
                        type="radio"
                        id=id.clone()
                        name=name.clone()
                        prop:checked=move || answer.read() == chosen
                        on:change=move |_| {
                            answer.set(value.clone());
                            if let Some(on_choose) = on_choose {
                                on_choose.run(());
                            }
                        }
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view()
}
