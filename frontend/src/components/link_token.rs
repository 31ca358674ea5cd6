//! The token an emailed link carries in its fragment (`/auth#token=…`, `/authorise#token=…`):
//! the fragment never reaches a server log, and the token leaves the address bar at once, so it
//! stays out of history and bookmarks too.

use wasm_bindgen::JsValue;

/// Reads `#token=…` and replaces the address with the same one minus its fragment. The sign-in
/// landing and the authorisation wizard's Begin Authorisation links carry their token this way.
pub fn take_token_from_address_bar() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let fragment = location.hash().ok()?;
    if !fragment.is_empty() {
        let address = format!("{}{}", location.pathname().ok()?, location.search().ok()?);
        // Failing here leaves the fragment visible but does not stop sign-in; carry on.
        let _ = window.history().and_then(|history| history.replace_state_with_url(&JsValue::NULL, "", Some(&address)));
    }
    token_from_fragment(&fragment)
}

fn token_from_fragment(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_fragment() {
        assert_eq!(token_from_fragment("#token=abc_DEF-123").as_deref(), Some("abc_DEF-123"));
        assert_eq!(token_from_fragment("#from=email&token=xyz").as_deref(), Some("xyz"));
    }

    #[test]
    fn a_fragment_without_a_token_gives_none() {
        assert_eq!(token_from_fragment(""), None);
        assert_eq!(token_from_fragment("#token="), None);
        assert_eq!(token_from_fragment("#mytoken=abc"), None);
    }
}
