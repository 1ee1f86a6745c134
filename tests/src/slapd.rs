//! A real OpenLDAP `slapd` on loopback ports.
//!
//! Why slapd: plain LDAP directories differ from AD in the ways Onramp must
//! handle (inetOrgPerson, `entryUUID` as the stable id, `groupOfNames`,
//! `memberOf` only through the memberof overlay, size limits), and the real
//! server is cheap to run.
//!
//! How: a `slapd.conf` in a temp folder (Debian's schema files, modules from
//! `/usr/lib/ldap`, one mdb database for `dc=example,dc=org` with the
//! memberof overlay, and refint so that moving or renaming a user updates
//! the groups naming it, as in a maintained deployment), `slapd -d 0` in the foreground (so it stays our child),
//! listening on `ldap://127.0.0.1:P/` and `ldaps://127.0.0.1:Q/` with a leaf
//! from a [`TestCa`] naming `localhost` and `127.0.0.1`. The seed data is
//! added over LDAP after start, so `entryUUID` and `memberOf` are set the way
//! a live server sets them. Ports are picked free just before start; if slapd
//! loses the race for one it is started again on others.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ldap3::{LdapConn, Scope, SearchEntry};
use rustls::ClientConfig;

use crate::pki::{TestCa, Validity};
use crate::ports::free_port;
use crate::process::ServerProcess;

/// The suffix (base DN).
pub const BASE_DN: &str = "dc=example,dc=org";
/// The rootdn, which bypasses access control.
pub const ROOT_DN: &str = "cn=admin,dc=example,dc=org";

/// The data every slapd starts with (all users have password
/// [`seed::USER_PASSWORD`]).
pub mod seed {
    /// Users live here.
    pub const PEOPLE: &str = "ou=people,dc=example,dc=org";
    /// Groups live here.
    pub const GROUPS: &str = "ou=groups,dc=example,dc=org";
    /// `uid=alice` (Alice Anders, alice@example.org), in engineering.
    pub const ALICE: &str = "uid=alice,ou=people,dc=example,dc=org";
    /// `uid=bob` (Bob Brown, bob@example.org), in sales.
    pub const BOB: &str = "uid=bob,ou=people,dc=example,dc=org";
    /// `uid=carol` (Carol Clark, no mail), in engineering.
    pub const CAROL: &str = "uid=carol,ou=people,dc=example,dc=org";
    /// groupOfNames with members alice and carol.
    pub const ENGINEERING: &str = "cn=engineering,ou=groups,dc=example,dc=org";
    /// groupOfNames with member bob.
    pub const SALES: &str = "cn=sales,ou=groups,dc=example,dc=org";
    /// The uids of the seeded users.
    pub const USERS: [&str; 3] = ["alice", "bob", "carol"];
    /// The seeded users' password.
    pub const USER_PASSWORD: &str = "user-secret";
}

const SEED_LDIF: &str = "\
dn: dc=example,dc=org
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=org
objectClass: organizationalUnit
ou: groups

dn: uid=alice,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: alice
cn: Alice Anders
givenName: Alice
sn: Anders
displayName: Alice Anders
mail: alice@example.org
userPassword: user-secret

dn: uid=bob,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: bob
cn: Bob Brown
givenName: Bob
sn: Brown
displayName: Bob Brown
mail: bob@example.org
userPassword: user-secret

dn: uid=carol,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: carol
cn: Carol Clark
givenName: Carol
sn: Clark
userPassword: user-secret

dn: cn=engineering,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: engineering
member: uid=alice,ou=people,dc=example,dc=org
member: uid=carol,ou=people,dc=example,dc=org

dn: cn=sales,ou=groups,dc=example,dc=org
objectClass: groupOfNames
cn: sales
member: uid=bob,ou=people,dc=example,dc=org
";

/// A running slapd; stopped and deleted on drop.
pub struct Slapd {
    process: Mutex<ServerProcess>,
    dir: tempfile::TempDir,
    port: u16,
    tls_port: u16,
    root_password: String,
    ca_pem: PathBuf,
}

impl std::fmt::Debug for Slapd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slapd")
            .field("port", &self.port)
            .field("tls_port", &self.tls_port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

impl Slapd {
    /// Writes the configuration, starts slapd, waits for it and seeds it.
    pub fn start() -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("onramp-slapd-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp folder: {e}"))?;
        let d = dir.path();
        std::fs::create_dir_all(d.join("data")).map_err(|e| e.to_string())?;
        let ca = TestCa::new("Onramp test CA for slapd");
        ca.issue(&["localhost", "127.0.0.1"], Validity::Current)
            .write(d)?;
        let ca_pem = d.join("ca.pem");
        ca.write_cert(&ca_pem)?;
        let root_password = crate::random_hex(12);
        let conf = d.join("slapd.conf");
        std::fs::write(&conf, slapd_conf(d, &root_password)).map_err(|e| e.to_string())?;

        let mut last_error = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let tls_port = free_port();
            let mut cmd = Command::new("slapd");
            cmd.arg("-f")
                .arg(&conf)
                .arg("-h")
                .arg(format!(
                    "ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/"
                ))
                .args(["-d", "0"]);
            let mut process = ServerProcess::spawn("slapd", cmd, &d.join("slapd.log"), d)?;
            match wait_ready(&mut process, port, tls_port) {
                Ok(()) => {
                    let me = Self {
                        process: Mutex::new(process),
                        dir,
                        port,
                        tls_port,
                        root_password,
                        ca_pem,
                    };
                    me.add_ldif(SEED_LDIF)?;
                    return Ok(me);
                }
                // Most likely a port taken in the meantime: stop, try others.
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }

    /// `ldap://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// `ldaps://127.0.0.1:PORT` (certificate for `localhost` and
    /// `127.0.0.1`, issued by the CA at [`Self::ca_path`]).
    pub fn ldaps_url(&self) -> String {
        format!("ldaps://127.0.0.1:{}", self.tls_port)
    }

    /// The suffix, `dc=example,dc=org`.
    pub fn base_dn(&self) -> &'static str {
        BASE_DN
    }

    /// The rootdn, `cn=admin,dc=example,dc=org`.
    pub fn root_dn(&self) -> &'static str {
        ROOT_DN
    }

    /// The rootdn's password (random per server).
    pub fn root_password(&self) -> &str {
        &self.root_password
    }

    /// The CA certificate (PEM) of the LDAPS listener.
    pub fn ca_path(&self) -> &Path {
        &self.ca_pem
    }

    /// A rustls client configuration trusting that CA only.
    pub fn tls_config(&self) -> Result<Arc<ClientConfig>, String> {
        crate::pki::client_config_trusting(&self.ca_pem)
    }

    /// A connection on the cleartext port, bound as the rootdn.
    pub fn root_ldap(&self) -> Result<LdapConn, String> {
        crate::ldap::bind(&self.url(), None, ROOT_DN, &self.root_password)
    }

    /// Adds the entries of an LDIF text, as the rootdn.
    pub fn add_ldif(&self, ldif: &str) -> Result<(), String> {
        crate::ldap::ldapadd(&self.url(), ROOT_DN, &self.root_password, None, ldif)
    }

    /// Subtree search under the suffix as the rootdn.
    pub fn search(&self, filter: &str, attrs: &[&str]) -> Result<Vec<SearchEntry>, String> {
        let mut c = self.root_ldap()?;
        let (entries, _) = c
            .search(BASE_DN, Scope::Subtree, filter, attrs.to_vec())
            .and_then(|r| r.success())
            .map_err(|e| format!("search {filter} failed: {e}"))?;
        Ok(entries.into_iter().map(SearchEntry::construct).collect())
    }

    /// The last lines of slapd's output.
    pub fn log_tail(&self) -> String {
        self.process.lock().expect("lock").log_tail()
    }
}

fn wait_ready(process: &mut ServerProcess, port: u16, tls_port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let plain = SocketAddr::from(([127, 0, 0, 1], port));
    let tls = SocketAddr::from(([127, 0, 0, 1], tls_port));
    loop {
        process.check_running()?;
        if TcpStream::connect_timeout(&plain, Duration::from_millis(200)).is_ok()
            && TcpStream::connect_timeout(&tls, Duration::from_millis(200)).is_ok()
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "slapd did not listen on {plain} and {tls} within 20 s; log:\n{}",
                process.log_tail()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn slapd_conf(d: &Path, root_password: &str) -> String {
    let d = d.display();
    format!(
        "\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint
pidfile {d}/slapd.pid
argsfile {d}/slapd.args
TLSCACertificateFile {d}/ca.pem
TLSCertificateFile {d}/cert.pem
TLSCertificateKeyFile {d}/key.pem

database mdb
maxsize 104857600
suffix \"{BASE_DN}\"
rootdn \"{ROOT_DN}\"
rootpw {root_password}
directory {d}/data
index objectClass eq
index uid,cn,mail eq
index entryUUID eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
overlay memberof
overlay refint
refint_attributes member uniqueMember
"
    )
}
