//! TLS set-up for the HTTP client. The crate uses rustls with the `ring` provider (a cheaper
//! build than the default aws-lc), which must be installed once per process before a
//! `reqwest::Client` is built.

/// Install the `ring` crypto provider for rustls, once; later calls do nothing.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider is already installed, which is just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A `reqwest::ClientBuilder` with the crypto provider installed.
pub fn client_builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}
