//! Access tokens as PingOne issues them: RS256-signed JWTs (docs/api-facts.md §11.5, "All
//! tokens in PingOne are JSON Web Tokens (JWTs) signed using the RS256 signing algorithm"),
//! with the public key at `GET /{envID}/as/jwks`.
//!
//! The key is a fixed, MOCK-ONLY RSA key bundled in the repository (`mock-signing-key.pem`,
//! labelled as such): `ring` can sign with an RSA key but not generate one, and a fixed key
//! lets a client cache the JWKS across restarts. It protects nothing; the mock still checks
//! each token server-side (issued by this process, not expired), so a token minted elsewhere
//! with this key is refused, and a restart revokes every token.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value, json};

/// `kid` of the bundled key, in each token's header and in the JWKS.
pub(crate) const KEY_ID: &str = "pingone-mock-rs256-1";

static KEY: LazyLock<RsaKeyPair> = LazyLock::new(|| {
    let pem = include_str!("mock-signing-key.pem");
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN PRIVATE KEY-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let der = STANDARD
        .decode(body)
        .expect("the bundled mock key is base64");
    RsaKeyPair::from_pkcs8(&der).expect("the bundled mock key is an RSA PKCS#8 key")
});

/// `header.claims.signature`, signed with the bundled key.
pub(crate) fn sign(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KEY_ID});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut signature = vec![0; KEY.public().modulus_len()];
    KEY.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .expect("RSA signing with a valid key");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The JSON Web Key Set with the bundled key's public half (RFC 7517).
pub(crate) fn jwks() -> Value {
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(KEY.public());
    json!({"keys": [{
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": KEY_ID,
        "n": URL_SAFE_NO_PAD.encode(&public.n),
        "e": URL_SAFE_NO_PAD.encode(&public.e),
    }]})
}
