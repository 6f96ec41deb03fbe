//! HTTPS for the mock: [`MockBuilder::tls`] (and `pingone-mock --tls`) serves TLS with a
//! certificate generated at start, so that the suite's TLS path (rustls with the `ring`
//! provider, `PINGONE_CA_CERT`) is exercised without a tenant.
//!
//! At start the mock makes a throw-away certificate authority and a server certificate signed
//! by it for `localhost`, `127.0.0.1`, `::1` and the bound address (ECDSA P-256, rcgen with
//! ring). [`MockPingOne::tls_ca_pem`] hands out the authority's certificate, which a client
//! trusts through `PINGONE_CA_CERT` exactly as it would a corporate proxy's private CA. Nothing
//! is written to disk and the keys die with the mock.
//!
//! Serving is by hand: a task accepts TCP connections and completes each TLS handshake in its
//! own task (a slow client cannot hold up the others), and hands the finished streams to
//! `axum::serve` through [`TlsListener`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::server::TlsStream;

use super::{MockBuilder, MockPingOne};

/// Longest a client may take to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

impl MockBuilder {
    /// Serve HTTPS with a certificate generated at start, signed by a throw-away CA whose
    /// certificate [`MockPingOne::tls_ca_pem`] returns; `api_url` and `auth_url` then start
    /// with `https://`.
    pub fn tls(mut self) -> Self {
        self.options.tls = true;
        self
    }
}

impl MockPingOne {
    /// With [`MockBuilder::tls`], the PEM certificate of the authority that signed the mock's
    /// server certificate (give it to a client as `PINGONE_CA_CERT`); `None` for plain HTTP.
    pub fn tls_ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.ca_pem.as_str())
    }
}

/// The TLS set-up of one mock.
#[derive(Clone)]
pub(super) struct Tls {
    /// PEM of the CA certificate that signed the server certificate.
    pub(super) ca_pem: String,
    acceptor: TlsAcceptor,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private keys live inside the acceptor and are never printed.
        f.write_str("Tls { ca_pem: <certificate>, acceptor: <keys not shown> }")
    }
}

impl Tls {
    /// With `enabled`, a CA and a server certificate for the loopback names and `addr`.
    pub(super) fn generate(enabled: bool, addr: SocketAddr) -> std::io::Result<Option<Tls>> {
        if !enabled {
            return Ok(None);
        }
        let err = |e: rcgen::Error| std::io::Error::other(format!("TLS certificate: {e}"));
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "pingone-mock throw-away CA");
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca_key = rcgen::KeyPair::generate().map_err(err)?;
        let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
        let issuer = rcgen::Issuer::new(ca_params, ca_key);

        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
        ];
        let bound = addr.ip().to_string();
        if !addr.ip().is_unspecified() && !names.contains(&bound) {
            names.push(bound);
        }
        let mut params = rcgen::CertificateParams::new(names).map_err(err)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "pingone-mock");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let key = rcgen::KeyPair::generate().map_err(err)?;
        let cert = params.signed_by(&key, &issuer).map_err(err)?;

        let key_der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der())
            .map_err(std::io::Error::other)?;
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(std::io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone(), ca_cert.der().clone()], key_der)
        .map_err(std::io::Error::other)?;
        let mut config = config;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Some(Tls {
            ca_pem: ca_cert.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }))
    }
}

/// `http` or `https`.
pub(super) fn scheme(tls: Option<&Tls>) -> &'static str {
    if tls.is_some() { "https" } else { "http" }
}

/// Serve `app` on `listener`, over TLS when `tls` is set, until `shutdown` completes.
pub(super) async fn serve(
    listener: TcpListener,
    tls: Option<Tls>,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let served = match tls {
        None => {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
        }
        Some(tls) => {
            axum::serve(TlsListener::start(listener, tls.acceptor), app)
                .with_graceful_shutdown(shutdown)
                .await
        }
    };
    if let Err(e) = served {
        eprintln!("pingone-mock: server stopped: {e}");
    }
}

/// Finished TLS streams for `axum::serve`; the accepting task stops (and the port closes)
/// when the listener is dropped.
pub(super) struct TlsListener {
    local: std::io::Result<SocketAddr>,
    streams: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    fn start(listener: TcpListener, acceptor: TlsAcceptor) -> TlsListener {
        let local = listener.local_addr();
        let (tx, streams) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    () = tx.closed() => return,
                    accepted = listener.accept() => accepted,
                };
                let Ok((tcp, peer)) = accepted else {
                    // Out of file descriptors and the like: back off as axum does.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    // A failed or slow handshake only loses that connection.
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
                    {
                        let _ = tx.send((stream, peer)).await;
                    }
                });
            }
        });
        TlsListener { local, streams }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.streams.recv().await {
            Some(stream) => stream,
            // The accepting task has stopped: no connection will ever come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        match &self.local {
            Ok(addr) => Ok(*addr),
            Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
        }
    }
}
