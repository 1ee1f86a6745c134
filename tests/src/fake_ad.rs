//! A fake Windows Active Directory LDAP server, for the two AD limits Samba
//! does not reproduce.
//!
//! Windows AD answers a plain `member` request on a group with more than
//! `MaxValRange` (1500) members under a `member;range=0-1499` description and
//! expects the client to continue with `member;range=1500-*` (MS-ADTS
//! 3.1.1.3.1.3.3); Samba returns every value at once. And it caps every
//! search at `MaxPageSize` (1000) entries per page. A client that ignores
//! either silently loses data, so the sync's reader is tested against this.
//!
//! What it serves (plain LDAP on a free 127.0.0.1 port, one background
//! thread with its own tokio runtime, stopped on drop), built with the
//! `ldap3_proto` server-side codec:
//!
//! * simple bind as [`FakeAdConfig::bind_dn`] (and anonymous);
//! * the RootDSE, with the AD capability OID `1.2.840.113556.1.4.800` (so
//!   clients treat it as Active Directory), `defaultNamingContext`, and the
//!   paged-results and range-retrieval OIDs;
//! * subtree searches evaluated against `=`, presence, `&`, `|`, `!` filters,
//!   honouring the Simple Paged Results control (`1.2.840.113556.1.4.319`)
//!   with at most `max_page_size` entries per page and an opaque cookie;
//!   without the control, `max_page_size` entries then sizeLimitExceeded;
//! * base-scope reads of any entry, with ranged `member` values: a plain
//!   `member` request past `max_val_range` values comes back as
//!   `member;range=0-1499`; `member;range=L-H` and `member;range=L-*` return
//!   at most `max_val_range` values from L, described `L-<last>` or, for the
//!   final chunk, `L-*`.
//!
//! The directory: `users` users `CN=User <i>,OU=People,<base>` (sAMAccountName
//! `user<i>`, objectGUID from [`FakeAd::user_guid`], every 10th disabled with
//! userAccountControl 514), the group `CN=Everyone,OU=Groups,<base>` with all
//! of them, and `CN=Admins,OU=Groups,<base>` with `user0`, the Everyone
//! group and a DN outside the base.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use futures_util::{SinkExt, StreamExt};
use ldap3_proto::LdapCodec;
use ldap3_proto::control::LdapControl;
use ldap3_proto::proto::{
    LdapBindCred, LdapBindResponse, LdapFilter, LdapMsg, LdapOp, LdapPartialAttribute, LdapResult,
    LdapResultCode, LdapSearchRequest, LdapSearchResultEntry, LdapSearchScope,
};
use tokio::net::TcpListener;
use tokio_util::codec::{FramedRead, FramedWrite};

/// AD's `MaxPageSize` default.
pub const MAX_PAGE_SIZE: usize = 1000;
/// AD's `MaxValRange` default.
pub const MAX_VAL_RANGE: usize = 1500;

/// What the fake serves.
#[derive(Debug, Clone)]
pub struct FakeAdConfig {
    /// The domain naming context.
    pub base_dn: String,
    /// The service account that may bind.
    pub bind_dn: String,
    /// Its password.
    pub password: String,
    /// How many users (all members of Everyone).
    pub users: usize,
    /// Entries per page at most (AD: 1000).
    pub max_page_size: usize,
    /// Values per ranged chunk at most (AD: 1500).
    pub max_val_range: usize,
    /// Give this user a malformed userAccountControl (`"abc"`).
    pub bad_uac_user: Option<usize>,
    /// Answer this page (0-based, counted per base and filter, so searches
    /// running side by side do not shift each other's count) with `busy`
    /// instead of entries, to test that a failed page fails the read.
    pub fail_page: Option<usize>,
    /// Answer every continuation of a ranged read (low > 0) with `busy`.
    pub fail_ranges: bool,
}

impl Default for FakeAdConfig {
    fn default() -> Self {
        Self {
            base_dn: "DC=fake,DC=test".to_owned(),
            bind_dn: "CN=svc-onramp,CN=Users,DC=fake,DC=test".to_owned(),
            password: "fake-Passw0rd".to_owned(),
            users: 10,
            max_page_size: MAX_PAGE_SIZE,
            max_val_range: MAX_VAL_RANGE,
            bad_uac_user: None,
            fail_page: None,
            fail_ranges: false,
        }
    }
}

/// What the fake has been asked, for asserting that a client paged and
/// continued ranges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FakeAdStats {
    /// Bind requests.
    pub binds: usize,
    /// Search requests of any kind.
    pub searches: usize,
    /// Search responses that carried a paged-results control.
    pub pages: usize,
    /// The most entries returned in one response.
    pub max_entries_per_response: usize,
    /// Searches that asked for an attribute with a `;range=` option.
    pub ranged_reads: usize,
}

/// A running fake AD; stops on drop.
pub struct FakeAd {
    addr: SocketAddr,
    stats: Arc<Mutex<FakeAdStats>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeAd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAd")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeAd {
    /// Starts the server on a free loopback port.
    pub fn start(config: FakeAdConfig) -> Result<Self, String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let stats = Arc::new(Mutex::new(FakeAdStats::default()));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let dir = Arc::new(Directory::new(config, stats.clone()));
        let thread = std::thread::Builder::new()
            .name("fake-ad".to_owned())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("tokio listener");
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            accepted = listener.accept() => {
                                if let Ok((socket, _)) = accepted {
                                    tokio::spawn(serve(socket, dir.clone()));
                                }
                            }
                        }
                    }
                });
                // Dropping the runtime cancels the connections' tasks.
            })
            .map_err(|e| format!("cannot start the fake AD thread: {e}"))?;
        Ok(Self {
            addr,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `ldap://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("ldap://{}", self.addr)
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the server has been asked so far.
    pub fn stats(&self) -> FakeAdStats {
        *self.stats.lock().expect("stats lock")
    }

    /// The objectGUID bytes of user `i`. Users below 128 get bytes that are
    /// all ASCII (valid UTF-8, which ldap3 hands over as text), the others
    /// bytes that are not valid UTF-8: both ways a client sees a GUID.
    pub fn user_guid(i: usize) -> [u8; 16] {
        let n = u32::try_from(i)
            .expect("fewer than 2^32 users")
            .to_le_bytes();
        let mark = if i < 128 { 0x42 } else { 0xC3 };
        [
            n[0], n[1], n[2], n[3], 0x11, 0x22, 0x33, 0x44, mark, 0xFF, 0x66, 0x77, 0x01, 0x02,
            0x03, 0x04,
        ]
        .map(|b| if i < 128 { b & 0x7F } else { b })
    }

    /// The text form of [`Self::user_guid`] (Microsoft's mixed-endian layout).
    pub fn user_guid_text(i: usize) -> String {
        uuid::Uuid::from_bytes_le(Self::user_guid(i)).to_string()
    }
}

impl Drop for FakeAd {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One entry: DN and attributes (name, values).
struct Entry {
    dn: String,
    attrs: Vec<(String, Vec<Vec<u8>>)>,
}

impl Entry {
    fn values(&self, name: &str) -> Option<&[Vec<u8>]> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

fn text(values: &[&str]) -> Vec<Vec<u8>> {
    values.iter().map(|v| v.as_bytes().to_vec()).collect()
}

/// The served directory; entries are generated on demand, so a large fake
/// costs no memory until it is read.
struct Directory {
    config: FakeAdConfig,
    stats: Arc<Mutex<FakeAdStats>>,
    /// Paged responses served so far (for `fail_page`).
    pages_served: Mutex<HashMap<String, usize>>,
    /// Matching entry ids by base and filter.
    matching: Mutex<HashMap<String, Arc<Vec<usize>>>>,
}

/// Entry ids: users first, then the groups.
const GROUPS: [&str; 2] = ["Everyone", "Admins"];

impl Directory {
    fn new(config: FakeAdConfig, stats: Arc<Mutex<FakeAdStats>>) -> Self {
        Self {
            config,
            stats,
            pages_served: Mutex::new(HashMap::new()),
            matching: Mutex::default(),
        }
    }

    fn count(&self) -> usize {
        self.config.users + GROUPS.len()
    }

    fn user_dn(&self, i: usize) -> String {
        format!("CN=User {i},OU=People,{}", self.config.base_dn)
    }

    fn group_dn(&self, name: &str) -> String {
        format!("CN={name},OU=Groups,{}", self.config.base_dn)
    }

    fn dn(&self, id: usize) -> String {
        if id < self.config.users {
            self.user_dn(id)
        } else {
            self.group_dn(GROUPS[id - self.config.users])
        }
    }

    fn entry(&self, id: usize) -> Entry {
        let c = &self.config;
        if id < c.users {
            let i = id;
            let uac = if c.bad_uac_user == Some(i) {
                "abc".to_owned()
            } else if i.is_multiple_of(10) {
                "514".to_owned()
            } else {
                "512".to_owned()
            };
            let sam = format!("user{i}");
            Entry {
                dn: self.user_dn(i),
                attrs: vec![
                    (
                        "objectClass".into(),
                        text(&["top", "person", "organizationalPerson", "user"]),
                    ),
                    ("objectCategory".into(), text(&["person"])),
                    ("cn".into(), text(&[&format!("User {i}")])),
                    ("objectGUID".into(), vec![FakeAd::user_guid(i).to_vec()]),
                    ("sAMAccountName".into(), text(&[&sam])),
                    ("givenName".into(), text(&["User"])),
                    ("sn".into(), text(&[&i.to_string()])),
                    ("displayName".into(), text(&[&format!("User {i}")])),
                    ("mail".into(), text(&[&format!("{sam}@fake.test")])),
                    (
                        "userPrincipalName".into(),
                        text(&[&format!("{sam}@fake.test")]),
                    ),
                    ("userAccountControl".into(), text(&[&uac])),
                ],
            }
        } else {
            let g = id - c.users;
            let name = GROUPS[g];
            let members: Vec<Vec<u8>> = if g == 0 {
                (0..c.users).map(|i| self.user_dn(i).into_bytes()).collect()
            } else {
                let mut m = vec![self.group_dn("Everyone").into_bytes()];
                if c.users > 0 {
                    m.push(self.user_dn(0).into_bytes());
                }
                m.push(b"CN=Foreign,OU=People,DC=elsewhere,DC=test".to_vec());
                m
            };
            let guid = [
                0xA0 + g as u8,
                0xB1,
                0xC2,
                0xD3,
                0xE4,
                0xF5,
                0x06,
                0x17,
                0x28,
                0x39,
                0x4A,
                0x5B,
                0x6C,
                0x7D,
                0x8E,
                0x9F,
            ];
            Entry {
                dn: self.group_dn(name),
                attrs: vec![
                    ("objectClass".into(), text(&["top", "group"])),
                    ("objectCategory".into(), text(&["group"])),
                    ("cn".into(), text(&[name])),
                    ("sAMAccountName".into(), text(&[name])),
                    ("objectGUID".into(), vec![guid.to_vec()]),
                    ("member".into(), members),
                ],
            }
        }
    }

    /// The entry without its member values (filters never test them).
    fn entry_to_match(&self, id: usize) -> Entry {
        if id < self.config.users {
            return self.entry(id);
        }
        let name = GROUPS[id - self.config.users];
        Entry {
            dn: self.group_dn(name),
            attrs: vec![
                ("objectClass".into(), text(&["top", "group"])),
                ("objectCategory".into(), text(&["group"])),
                ("cn".into(), text(&[name])),
            ],
        }
    }

    fn find(&self, dn: &str) -> Option<usize> {
        let want = squash(dn);
        (0..self.count()).find(|&id| squash(&self.dn(id)) == want)
    }

    fn root_dse(&self) -> LdapSearchResultEntry {
        let base = self.config.base_dn.as_str();
        let attrs: Vec<(&str, Vec<&str>)> = vec![
            ("objectClass", vec!["top"]),
            ("defaultNamingContext", vec![base]),
            ("namingContexts", vec![base]),
            ("dnsHostName", vec!["fakedc.fake.test"]),
            (
                "supportedCapabilities",
                vec![
                    "1.2.840.113556.1.4.800",
                    "1.2.840.113556.1.4.1670",
                    "1.2.840.113556.1.4.1791",
                ],
            ),
            (
                "supportedControl",
                vec![
                    "1.2.840.113556.1.4.319",
                    "1.2.840.113556.1.4.417",
                    "1.2.840.113556.1.4.802",
                    "1.2.840.113556.1.4.841",
                ],
            ),
            ("supportedLDAPVersion", vec!["3"]),
            ("domainFunctionality", vec!["7"]),
            ("forestFunctionality", vec!["7"]),
        ];
        LdapSearchResultEntry {
            dn: String::new(),
            attributes: attrs
                .into_iter()
                .map(|(k, v)| LdapPartialAttribute {
                    atype: k.to_owned(),
                    vals: text(&v),
                })
                .collect(),
        }
    }

    /// The attributes of `entry` a search asked for, `member` ranged AD-style.
    fn select(&self, entry: &Entry, requested: &[String]) -> Vec<LdapPartialAttribute> {
        let all = requested.is_empty() || requested.iter().any(|r| r == "*");
        let mut wanted: Vec<String> = if all {
            entry.attrs.iter().map(|(k, _)| k.clone()).collect()
        } else {
            requested.to_vec()
        };
        wanted.dedup();
        let mut out = Vec::new();
        for request in wanted {
            let (name, options) = request.split_once(';').unwrap_or((request.as_str(), ""));
            let Some(values) = entry.values(name) else {
                continue;
            };
            if name.eq_ignore_ascii_case("member") {
                if let Some(part) = self.member_range(values, options) {
                    out.push(part);
                }
                continue;
            }
            let atype = entry
                .attrs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| name.to_owned());
            out.push(LdapPartialAttribute {
                atype,
                vals: values.to_vec(),
            });
        }
        out
    }

    /// MS-ADTS range retrieval for one multi-valued attribute.
    fn member_range(&self, values: &[Vec<u8>], options: &str) -> Option<LdapPartialAttribute> {
        let n = values.len();
        let max = self.config.max_val_range.max(1);
        let range = options.split(';').find_map(|o| {
            o.strip_prefix("range=")
                .or_else(|| o.strip_prefix("Range="))
        });
        let (low, high) = match range {
            None if n <= max => {
                return Some(LdapPartialAttribute {
                    atype: "member".to_owned(),
                    vals: values.to_vec(),
                });
            }
            None => (0, None),
            Some(r) => {
                let (l, h) = r.split_once('-')?;
                let low: usize = l.parse().ok()?;
                let high = if h == "*" {
                    None
                } else {
                    Some(h.parse::<usize>().ok()?)
                };
                (low, high)
            }
        };
        if low >= n {
            return Some(LdapPartialAttribute {
                atype: format!("member;range={low}-*"),
                vals: Vec::new(),
            });
        }
        let last = n - 1;
        let end = high.unwrap_or(last).min(last).min(low + max - 1);
        let atype = if end == last {
            format!("member;range={low}-*")
        } else {
            format!("member;range={low}-{end}")
        };
        Some(LdapPartialAttribute {
            atype,
            vals: values[low..=end].to_vec(),
        })
    }

    fn search(&self, msgid: i32, req: &LdapSearchRequest, ctrl: &[LdapControl]) -> Vec<LdapMsg> {
        let ranged = req
            .attrs
            .iter()
            .any(|a| a.contains(";range=") || a.contains(";Range="));
        {
            let mut s = self.stats.lock().expect("stats lock");
            s.searches += 1;
            if ranged {
                s.ranged_reads += 1;
            }
        }
        let done = |code: LdapResultCode, message: &str, ctrl: Vec<LdapControl>| LdapMsg {
            msgid,
            op: LdapOp::SearchResultDone(LdapResult {
                code,
                matcheddn: String::new(),
                message: message.to_owned(),
                referral: Vec::new(),
            }),
            ctrl,
        };
        let entry_msg = |entry: LdapSearchResultEntry| LdapMsg {
            msgid,
            op: LdapOp::SearchResultEntry(entry),
            ctrl: Vec::new(),
        };

        if req.scope == LdapSearchScope::Base {
            if req.base.is_empty() {
                return vec![
                    entry_msg(self.root_dse()),
                    done(LdapResultCode::Success, "", vec![]),
                ];
            }
            let Some(id) = self.find(&req.base) else {
                return vec![done(LdapResultCode::NoSuchObject, "no such object", vec![])];
            };
            if self.config.fail_ranges && ranged {
                let continuation = req.attrs.iter().any(|a| {
                    a.split_once(";range=")
                        .and_then(|(_, r)| r.split_once('-'))
                        .is_some_and(|(l, _)| l != "0")
                });
                if continuation {
                    return vec![done(LdapResultCode::Busy, "fake: busy", vec![])];
                }
            }
            let entry = self.entry(id);
            if !matches(&req.filter, &entry) {
                return vec![done(LdapResultCode::Success, "", vec![])];
            }
            let attributes = self.select(&entry, &req.attrs);
            return vec![
                entry_msg(LdapSearchResultEntry {
                    dn: entry.dn,
                    attributes,
                }),
                done(LdapResultCode::Success, "", vec![]),
            ];
        }

        // Subtree (and one-level, treated alike): everything under the base.
        let base = squash(&req.base);
        let under = |dn: &str| {
            let dn = squash(dn);
            dn == base || dn.ends_with(&format!(",{base}"))
        };
        // The matching ids are cached per base and filter, so paging through
        // a large fake does not rebuild every entry for every page.
        let key = format!("{base}\u{0}{:?}", req.filter);
        let cached = self.matching.lock().expect("lock").get(&key).cloned();
        let matching = match cached {
            Some(m) => m,
            None => {
                let m: Arc<Vec<usize>> = Arc::new(
                    (0..self.count())
                        .filter(|&id| under(&self.dn(id)))
                        .filter(|&id| matches(&req.filter, &self.entry_to_match(id)))
                        .collect(),
                );
                self.matching
                    .lock()
                    .expect("lock")
                    .insert(key.clone(), m.clone());
                m
            }
        };
        let paged = ctrl.iter().find_map(|c| match c {
            LdapControl::SimplePagedResults { size, cookie } => Some((*size, cookie.clone())),
            _ => None,
        });
        let max = self.config.max_page_size.max(1);
        let (offset, size) = match &paged {
            Some((size, cookie)) => {
                let offset = if cookie.is_empty() {
                    0
                } else {
                    match std::str::from_utf8(cookie)
                        .ok()
                        .and_then(|c| c.parse().ok())
                    {
                        Some(o) => o,
                        None => {
                            return vec![done(
                                LdapResultCode::UnwillingToPerform,
                                "bad cookie",
                                vec![],
                            )];
                        }
                    }
                };
                let size = usize::try_from(*size).unwrap_or(max).clamp(1, max);
                (offset, size)
            }
            None => (0, max),
        };
        if paged.is_some() {
            let mut served = self.pages_served.lock().expect("lock");
            let served = served.entry(key).or_default();
            let page = *served;
            *served += 1;
            if self.config.fail_page == Some(page) {
                return vec![done(LdapResultCode::Busy, "fake: busy", vec![])];
            }
        }
        let end = (offset + size).min(matching.len());
        let slice = matching.get(offset..end).unwrap_or(&[]);
        let mut out: Vec<LdapMsg> = slice
            .iter()
            .map(|&id| {
                let entry = self.entry(id);
                let attributes = self.select(&entry, &req.attrs);
                entry_msg(LdapSearchResultEntry {
                    dn: entry.dn,
                    attributes,
                })
            })
            .collect();
        {
            let mut s = self.stats.lock().expect("stats lock");
            s.max_entries_per_response = s.max_entries_per_response.max(out.len());
            if paged.is_some() {
                s.pages += 1;
            }
        }
        let more = end < matching.len();
        if paged.is_some() {
            let cookie = if more {
                end.to_string().into_bytes()
            } else {
                Vec::new()
            };
            out.push(done(
                LdapResultCode::Success,
                "",
                vec![LdapControl::SimplePagedResults {
                    size: i64::try_from(matching.len()).unwrap_or(0),
                    cookie,
                }],
            ));
        } else if more {
            out.push(done(
                LdapResultCode::SizeLimitExceeded,
                "Size limit exceeded",
                vec![],
            ));
        } else {
            out.push(done(LdapResultCode::Success, "", vec![]));
        }
        out
    }

    fn bind(&self, msgid: i32, dn: &str, cred: &LdapBindCred) -> LdapMsg {
        self.stats.lock().expect("stats lock").binds += 1;
        let ok = match cred {
            LdapBindCred::Simple(pw) => {
                (dn.is_empty() && pw.is_empty())
                    || (squash(dn) == squash(&self.config.bind_dn) && *pw == self.config.password)
            }
            _ => false,
        };
        let (code, message) = if ok {
            (LdapResultCode::Success, "")
        } else {
            (
                LdapResultCode::InvalidCredentials,
                "80090308: LdapErr: DSID-0C090447, comment: AcceptSecurityContext error, data 52e, v3839",
            )
        };
        LdapMsg {
            msgid,
            op: LdapOp::BindResponse(LdapBindResponse {
                res: LdapResult {
                    code,
                    matcheddn: String::new(),
                    message: message.to_owned(),
                    referral: Vec::new(),
                },
                saslcreds: None,
            }),
            ctrl: Vec::new(),
        }
    }
}

/// A DN lower-cased with the spaces after commas removed: enough to compare
/// the DNs this fake generates.
fn squash(dn: &str) -> String {
    dn.split(',')
        .map(|p| p.trim().to_lowercase())
        .collect::<Vec<_>>()
        .join(",")
}

fn matches(filter: &LdapFilter, entry: &Entry) -> bool {
    match filter {
        LdapFilter::And(fs) => fs.iter().all(|f| matches(f, entry)),
        LdapFilter::Or(fs) => fs.iter().any(|f| matches(f, entry)),
        LdapFilter::Not(f) => !matches(f, entry),
        LdapFilter::Present(a) => {
            a.eq_ignore_ascii_case("objectClass") || entry.values(a).is_some()
        }
        LdapFilter::Equality(a, v) => entry
            .values(a)
            .is_some_and(|vals| vals.iter().any(|x| x.eq_ignore_ascii_case(v.as_bytes()))),
        // Not needed by the reader; never matches.
        _ => false,
    }
}

async fn serve(socket: tokio::net::TcpStream, dir: Arc<Directory>) {
    let (r, w) = tokio::io::split(socket);
    let mut requests = FramedRead::new(r, LdapCodec::default());
    let mut responses = FramedWrite::new(w, LdapCodec::default());
    while let Some(Ok(msg)) = requests.next().await {
        let LdapMsg { msgid, op, ctrl } = msg;
        let out = match op {
            LdapOp::BindRequest(b) => vec![dir.bind(msgid, &b.dn, &b.cred)],
            LdapOp::SearchRequest(req) => dir.search(msgid, &req, &ctrl),
            LdapOp::UnbindRequest => return,
            LdapOp::AbandonRequest(_) => continue,
            _ => vec![LdapMsg {
                msgid,
                op: LdapOp::ExtendedResponse(ldap3_proto::proto::LdapExtendedResponse {
                    res: LdapResult {
                        code: LdapResultCode::UnwillingToPerform,
                        matcheddn: String::new(),
                        message: "not supported by the fake AD".to_owned(),
                        referral: Vec::new(),
                    },
                    name: None,
                    value: None,
                }),
                ctrl: Vec::new(),
            }],
        };
        for m in out {
            if responses.feed(m).await.is_err() {
                return;
            }
        }
        if responses.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(users: usize) -> Directory {
        Directory::new(
            FakeAdConfig {
                users,
                ..FakeAdConfig::default()
            },
            Arc::default(),
        )
    }

    #[test]
    fn member_ranges_follow_ms_adts() {
        let d = dir(3200);
        let values: Vec<Vec<u8>> = (0..3200).map(|i| vec![i as u8]).collect();
        let r = |o: &str| {
            let p = d.member_range(&values, o).unwrap();
            (p.atype, p.vals.len())
        };
        assert_eq!(r(""), ("member;range=0-1499".into(), 1500));
        assert_eq!(r("range=1500-*"), ("member;range=1500-2999".into(), 1500));
        assert_eq!(r("range=3000-*"), ("member;range=3000-*".into(), 200));
        assert_eq!(
            r("range=1500-2999"),
            ("member;range=1500-2999".into(), 1500)
        );
        assert_eq!(r("range=0-9"), ("member;range=0-9".into(), 10));
        assert_eq!(r("range=3100-5000"), ("member;range=3100-*".into(), 100));
        assert_eq!(r("range=9999-*"), ("member;range=9999-*".into(), 0));
        let few = &values[..3];
        assert_eq!(d.member_range(few, "").unwrap().atype, "member");
    }

    #[test]
    fn guids_take_both_paths() {
        assert!(std::str::from_utf8(&FakeAd::user_guid(0)).is_ok());
        assert!(std::str::from_utf8(&FakeAd::user_guid(127)).is_ok());
        assert!(std::str::from_utf8(&FakeAd::user_guid(128)).is_err());
        assert_ne!(FakeAd::user_guid(1), FakeAd::user_guid(2));
    }
}
