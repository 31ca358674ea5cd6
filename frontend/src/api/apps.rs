//! The partner's API keys (A1): the command line that tries a new one. The app's own calls
//! (permission set, keys, webhook) go through `call`.

use gatehouse_model::{NoQuery, endpoint};

use super::url;

/// The command line that tries a new key: the data API's list of the app's schools, on the
/// origin the portal is served from (`https://gatehouse.example`).
pub fn curl_example(origin: &str, secret: &str) -> String {
    format!("curl -H \"Authorization: Bearer {secret}\" {origin}{}", url::<endpoint::ListAppSchools>(&[], &NoQuery))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curl_example_sends_the_key_as_a_bearer_token_to_the_schools_list() {
        assert_eq!(
            curl_example("https://gatehouse.example", "s3cr3t"),
            "curl -H \"Authorization: Bearer s3cr3t\" https://gatehouse.example/api/v1/schools"
        );
    }
}
