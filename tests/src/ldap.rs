//! Small LDAP helpers shared by the Samba and slapd fixtures.
//!
//! Seeding goes over the wire (LDAPS for Samba, which refuses the writes we
//! need on cleartext; plain LDAP or LDAPS for slapd), through the same
//! `ldap3` and rustls stack the app uses, so a seeding failure is also an
//! early signal that the TLS setup of a fixture is wrong. LDIF text goes through the
//! OpenLDAP `ldapadd` tool, which is what an admin would use.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ldap3::{LdapConn, LdapConnSettings};
use rustls::ClientConfig;

/// One attribute of an entry to add: a name and its values (bytes, so that
/// binary values such as `unicodePwd` fit).
pub type Attr = (String, Vec<Vec<u8>>);

/// Connection settings with a 10 s connect timeout and, when given, the
/// rustls configuration to verify the server with.
pub fn settings(tls: Option<Arc<ClientConfig>>) -> LdapConnSettings {
    let s = LdapConnSettings::new().set_conn_timeout(Duration::from_secs(10));
    match tls {
        Some(config) => s.set_config(config),
        None => s,
    }
}

/// Connects to `url` and performs a simple bind; `Err` carries the server's
/// result code and diagnostic.
pub fn bind(
    url: &str,
    tls: Option<Arc<ClientConfig>>,
    dn: &str,
    password: &str,
) -> Result<LdapConn, String> {
    let mut conn = LdapConn::with_settings(settings(tls), url)
        .map_err(|e| format!("cannot connect to {url}: {e}"))?;
    conn.simple_bind(dn, password)
        .and_then(|r| r.success())
        .map_err(|e| format!("bind as {dn} on {url} failed: {e}"))?;
    Ok(conn)
}

/// Builds an attribute from text values.
pub fn attr(name: &str, values: &[&str]) -> Attr {
    (
        name.to_owned(),
        values.iter().map(|v| v.as_bytes().to_vec()).collect(),
    )
}

/// Adds one entry.
pub fn add(conn: &mut LdapConn, dn: &str, attrs: Vec<Attr>) -> Result<(), String> {
    conn.add(dn, to_ldap3(attrs))
        .and_then(|r| r.success())
        .map(|_| ())
        .map_err(|e| format!("cannot add {dn}: {e}"))
}

/// Converts attributes to what `ldap3`'s add takes.
pub fn to_ldap3(attrs: Vec<Attr>) -> Vec<(Vec<u8>, HashSet<Vec<u8>>)> {
    attrs
        .into_iter()
        .map(|(n, vs)| (n.into_bytes(), vs.into_iter().collect()))
        .collect()
}

/// Feeds LDIF to `ldapadd` (entries without `changetype` are adds), bound as
/// `bind_dn`. For `ldaps://` URLs `ca_pem` is the CA to verify the server
/// with; verification is always demanded.
pub fn ldapadd(
    url: &str,
    bind_dn: &str,
    password: &str,
    ca_pem: Option<&Path>,
    ldif: &str,
) -> Result<(), String> {
    let mut cmd = Command::new("ldapadd");
    cmd.args(["-x", "-H", url, "-D", bind_dn, "-w", password])
        .env("LDAPTLS_REQCERT", "demand")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(ca) = ca_pem {
        cmd.env("LDAPTLS_CACERT", ca);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run ldapadd (ldap-utils): {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(ldif.as_bytes())
            .map_err(|e| format!("cannot write LDIF to ldapadd: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("ldapadd: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ldapadd on {url} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
