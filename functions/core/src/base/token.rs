//! Secret tokens (sign-in links, sessions): 256 bits from the OS CSPRNG,
//! handed out once, stored only as a SHA-256 hash.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::Error;

const TOKEN_BYTES: usize = 32;

/// The secret itself. Never stored, never logged (Debug is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| Error::Unavailable(anyhow::anyhow!("random source: {e}")))?;
        Ok(Token(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Accepts exactly the shape `generate` makes, so junk never reaches the store.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Error> {
        let decoded = URL_SAFE_NO_PAD.decode(raw.trim()).ok();
        match decoded {
            Some(bytes) if bytes.len() == TOKEN_BYTES => Ok(Token(raw.trim().to_owned())),
            _ => Err(Error::invalid(field, "this is not a token Gatehouse issued")),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// What the store keeps: a lookup key that cannot be turned back into a token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_distinct_and_reparse() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43, "32 bytes, base64url without padding");
        assert_eq!(Token::parse("token", a.expose()).unwrap(), a);
    }

    #[test]
    fn hash_is_sha256_hex_and_not_the_token() {
        let token = Token::generate().unwrap();
        let hash = token.hash();
        assert_eq!(hash.as_str().len(), 64);
        assert!(!hash.as_str().contains(token.expose()));
        assert_eq!(hash, token.hash());
    }

    #[test]
    fn junk_tokens_are_rejected() {
        for bad in ["", "short", "!!!!", &"A".repeat(44)] {
            assert!(Token::parse("token", bad).is_err(), "{bad:?}");
        }
    }
}
