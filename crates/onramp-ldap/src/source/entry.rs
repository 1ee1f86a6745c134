//! Turning one search entry into the pieces of a snapshot: the anchor, the
//! account state, text attributes, and comparable DNs.
//!
//! Everything here is pure, so the rules (which bytes make an objectGUID,
//! which userAccountControl bit disables, how two spellings of one DN
//! compare) are unit-tested without a server.

use crate::ldap::entry::Entry;
use crate::ldap::guid::object_guid_to_string;
use crate::ldap::syntax::parse_dn;

/// userAccountControl ACCOUNTDISABLE.
pub(crate) const ACCOUNTDISABLE: i64 = 0x2;

/// The attribute holding the anchor.
pub(crate) fn anchor_attribute(ad: bool) -> &'static str {
    if ad { "objectGUID" } else { "entryUUID" }
}

/// Why an entry has no usable anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AnchorProblem {
    /// The attribute is absent (not readable, or not requested by the server).
    Missing,
    /// The value is not 16 bytes (objectGUID) or not a UUID (entryUUID).
    Malformed(String),
}

impl std::fmt::Display for AnchorProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("no anchor attribute"),
            Self::Malformed(why) => write!(f, "malformed anchor: {why}"),
        }
    }
}

/// The entry's immutable id: AD objectGUID in its text form, or entryUUID
/// (lower-case hyphenated, whatever spelling the server used).
pub(crate) fn anchor(entry: &Entry, ad: bool) -> Result<String, AnchorProblem> {
    if ad {
        let bytes = entry.binary("objectGUID").ok_or(AnchorProblem::Missing)?;
        object_guid_to_string(bytes).ok_or_else(|| {
            AnchorProblem::Malformed(format!("objectGUID has {} bytes, not 16", bytes.len()))
        })
    } else {
        let text = entry.text("entryUUID").ok_or(AnchorProblem::Missing)?;
        if is_canonical_uuid(text) {
            return Ok(text.to_owned());
        }
        uuid::Uuid::parse_str(text)
            .map(|u| u.hyphenated().to_string())
            .map_err(|_| AnchorProblem::Malformed(format!("entryUUID '{text}' is not a UUID")))
    }
}

/// Whether `text` is already a UUID's canonical form (36 characters,
/// lower-case hex, hyphens after 8, 12, 16 and 20 digits): what slapd sends,
/// so the parse and re-format can be skipped.
fn is_canonical_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

/// Whether an AD account is enabled, from its userAccountControl value
/// (decimal; AD publishes it as a signed 32-bit number, so values with the
/// top bit set are negative). `Err` carries what is wrong with the value.
pub(crate) fn enabled_from_uac(value: Option<&str>) -> Result<bool, String> {
    let value = value.ok_or_else(|| "is missing".to_owned())?;
    let n: i64 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{value}' is not a decimal number"))?;
    if n < i64::from(i32::MIN) || n > i64::from(u32::MAX) {
        return Err(format!("'{value}' is not a 32-bit value"));
    }
    Ok(n & ACCOUNTDISABLE == 0)
}

/// A DN in a form two spellings of the same entry share: attribute types and
/// values lower-cased, escapes resolved then re-applied one way, spaces
/// around separators dropped, multi-valued RDNs sorted. A DN that does not
/// parse is lower-cased and trimmed, which still matches itself.
pub(crate) fn normalize_dn(dn: &str) -> String {
    let mut out = String::with_capacity(dn.len());
    normalize_dn_into(dn, &mut out);
    out
}

/// `uid` in lower case, into a buffer the caller reuses: how logins and
/// `memberUid` values are compared. ASCII (nearly every uid) is lowered in
/// place, without the Unicode tables.
pub(crate) fn lowercase_uid_into(uid: &str, out: &mut String) {
    if uid.is_ascii() {
        out.clear();
        out.push_str(uid);
        out.make_ascii_lowercase();
    } else {
        *out = uid.to_lowercase();
    }
}

/// [`normalize_dn`] into a buffer the caller reuses, so resolving 300,000
/// member values does not allocate 300,000 strings.
///
/// Most DNs are plain ASCII without escapes, quotes, multi-valued RDNs or
/// spaces around separators; for those the normal form is simply the DN in
/// lower case, and the parse is skipped. Everything else takes the full
/// RFC 4514 path (tested to agree on the plain ones).
pub(crate) fn normalize_dn_into(dn: &str, out: &mut String) {
    out.clear();
    let dn = dn.trim();
    if is_plain_dn(dn) {
        out.push_str(dn);
        out.make_ascii_lowercase();
        return;
    }
    match parse_dn("", dn) {
        Ok(rdns) => {
            for (i, rdn) in rdns.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let mut parts: Vec<String> = rdn
                    .iter()
                    .map(|(a, v)| format!("{a}={}", ldap3::dn_escape(v.to_lowercase())))
                    .collect();
                parts.sort();
                out.push_str(&parts.join("+"));
            }
        }
        Err(_) => out.push_str(&dn.to_lowercase()),
    }
}

/// Whether a (trimmed) DN's normal form is its ASCII lower case: every RDN
/// is one `type=value` pair with a valid type, and nothing needs escaping,
/// unescaping or trimming.
fn is_plain_dn(dn: &str) -> bool {
    let bytes = dn.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut at_type_start = true;
    let mut in_type = true;
    let mut value_len = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        if !b.is_ascii() || b"\\\"+;<>#\0".contains(&b) {
            return false;
        }
        match b {
            b'=' if in_type => {
                if at_type_start {
                    return false;
                }
                in_type = false;
                value_len = 0;
            }
            b'=' => return false,
            b',' => {
                if in_type || value_len == 0 {
                    return false;
                }
                in_type = true;
                at_type_start = true;
            }
            b' ' => {
                // Spaces only inside values, never next to a separator.
                let prev = bytes.get(i.wrapping_sub(1)).copied();
                let next = bytes.get(i + 1).copied();
                if in_type
                    || matches!(prev, Some(b'=' | b',' | b' '))
                    || matches!(next, Some(b',' | b' ') | None)
                {
                    return false;
                }
                value_len += 1;
            }
            _ if in_type => {
                // Types: a letter then letters, digits and hyphens (no OIDs here).
                let ok = if at_type_start {
                    b.is_ascii_alphabetic()
                } else {
                    b.is_ascii_alphanumeric() || b == b'-'
                };
                if !ok {
                    return false;
                }
                at_type_start = false;
            }
            _ => value_len += 1,
        }
    }
    !in_type && value_len > 0
}

/// The value of the first RDN, for a name when `cn` is absent.
pub(crate) fn rdn_value(dn: &str) -> Option<String> {
    parse_dn("", dn)
        .ok()?
        .into_iter()
        .next()?
        .into_iter()
        .next()
        .map(|(_, v)| v)
}

/// A `uniqueMember` value may carry an optional unique id after the DN
/// (`cn=x,dc=y#'0101'B`, RFC 4517 NameAndOptionalUID); the DN is the part
/// before it.
pub(crate) fn strip_optional_uid(value: &str) -> &str {
    let v = value.trim();
    if let Some(hash) = v.rfind("#'")
        && v.ends_with("'B")
        && v[hash + 2..v.len() - 2]
            .bytes()
            .all(|b| b == b'0' || b == b'1')
    {
        return v[..hash].trim_end();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ldap::entry::testing;

    fn entry(text: &[(&str, &str)], bin: &[(&str, &[u8])]) -> Entry {
        let text: Vec<(&str, &[&str])> = text
            .iter()
            .map(|(k, v)| (*k, std::slice::from_ref(v)))
            .collect();
        bin.iter()
            .fold(testing::entry("CN=X,DC=x", &text), |e, (k, v)| {
                testing::with_binary(e, k, v)
            })
    }

    const WIRE: [u8; 16] = [
        0x90, 0x39, 0x5F, 0x19, 0x1A, 0xB5, 0x1B, 0x4A, 0x9E, 0x96, 0x86, 0xC6, 0x6C, 0xB1, 0x8D,
        0x11,
    ];

    #[test]
    fn ad_anchor_from_binary_or_text_guid() {
        let e = entry(&[], &[("objectGUID", &WIRE)]);
        assert_eq!(
            anchor(&e, true).unwrap(),
            "195f3990-b51a-4a1b-9e96-86c66cb18d11"
        );
        // 16 bytes that happen to be valid UTF-8 are still the GUID's bytes.
        let ascii = "ABCDEFGHIJKLMNOP";
        let e = entry(&[("objectguid", ascii)], &[]);
        assert_eq!(
            anchor(&e, true).unwrap(),
            object_guid_to_string(ascii.as_bytes()).unwrap()
        );
        let e = entry(&[], &[("objectGUID", &WIRE[..15])]);
        assert!(matches!(anchor(&e, true), Err(AnchorProblem::Malformed(_))));
        let e = entry(
            &[("entryUUID", "0f8b4b2e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")],
            &[],
        );
        assert_eq!(anchor(&e, true), Err(AnchorProblem::Missing));
    }

    #[test]
    fn ldap_anchor_from_entry_uuid() {
        let e = entry(
            &[("entryUUID", " 0F8B4B2E-1C2D-4E5F-8A9B-0C1D2E3F4A5B ")],
            &[],
        );
        assert_eq!(
            anchor(&e, false).unwrap(),
            "0f8b4b2e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
        );
        let e = entry(&[("entryUUID", "nope")], &[]);
        assert!(matches!(
            anchor(&e, false),
            Err(AnchorProblem::Malformed(_))
        ));
        let e = entry(&[], &[("objectGUID", &WIRE)]);
        assert_eq!(anchor(&e, false), Err(AnchorProblem::Missing));
    }

    #[test]
    fn user_account_control() {
        assert_eq!(enabled_from_uac(Some("512")), Ok(true));
        assert_eq!(enabled_from_uac(Some("514")), Ok(false));
        assert_eq!(enabled_from_uac(Some("66048")), Ok(true));
        assert_eq!(enabled_from_uac(Some("66050")), Ok(false));
        assert_eq!(enabled_from_uac(Some(" 546 ")), Ok(false)); // 512+32+2
        // 0x80000000 | 0x202 as AD prints it (signed).
        assert_eq!(enabled_from_uac(Some("-2147483134")), Ok(false));
        assert_eq!(enabled_from_uac(Some("-2147483136")), Ok(true));
        for bad in [
            None,
            Some(""),
            Some("0x202"),
            Some("abc"),
            Some("99999999999"),
        ] {
            assert!(enabled_from_uac(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dns_compare_normalised() {
        let a = normalize_dn("CN=Smith\\, John,OU=Staff,DC=Example,DC=com");
        let b = normalize_dn("cn=smith\\2c john, ou=staff , dc=example,dc=COM");
        assert_eq!(a, b);
        assert_ne!(
            normalize_dn("CN=A,OU=Staff,DC=x"),
            normalize_dn("CN=A,OU=Staffing,DC=x")
        );
        // Multi-valued RDNs in either order.
        assert_eq!(
            normalize_dn("cn=a+uid=b,dc=x"),
            normalize_dn("UID=b+CN=a,dc=x")
        );
        // An escaped comma is not a separator.
        assert_ne!(
            normalize_dn("CN=a\\,b,DC=x"),
            normalize_dn("CN=a,CN=b,DC=x")
        );
        // Unparseable input still equals itself, case-insensitively.
        assert_eq!(normalize_dn("garbage"), normalize_dn("GARBAGE "));
        assert_eq!(rdn_value("CN=All Staff,OU=x,DC=y").unwrap(), "All Staff");
        assert_eq!(rdn_value("CN=a\\,b,DC=y").unwrap(), "a,b");
    }

    /// The fast path gives exactly what the full parse gives, on DNs it
    /// takes and on the near misses it must hand over.
    #[test]
    fn plain_dns_normalise_like_the_full_parse() {
        let full = |dn: &str| -> String {
            match parse_dn("", dn) {
                Ok(rdns) => rdns
                    .iter()
                    .map(|rdn| {
                        let mut parts: Vec<String> = rdn
                            .iter()
                            .map(|(a, v)| format!("{a}={}", ldap3::dn_escape(v.to_lowercase())))
                            .collect();
                        parts.sort();
                        parts.join("+")
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                Err(_) => dn.trim().to_lowercase(),
            }
        };
        let cases = [
            "uid=user000123,ou=people,dc=example,dc=org",
            "CN=John Smith,OU=Staff,DC=Example,DC=com",
            "CN=A  B,DC=x",
            " CN=A,DC=x ",
            "CN=A, DC=x",
            "CN=A ,DC=x",
            "CN= A,DC=x",
            "CN=A,DC=x,",
            "CN=A,,DC=x",
            "CN=,DC=x",
            "=A,DC=x",
            "CN=a=b,DC=x",
            "CN=a+UID=b,DC=x",
            "CN=a\\,b,DC=x",
            "CN=#41,DC=x",
            "CN=Ökonomie,DC=x",
            "2.5.4.3=A,DC=x",
            "C N=A,DC=x",
            "garbage",
            "CN=a;b,DC=x",
            "CN=\"q\",DC=x",
            "cn=x-y_z.1,dc=a-b",
            "1cn=A,dc=x",
            "CN=A,DC=x ",
        ];
        for dn in cases {
            assert_eq!(normalize_dn(dn), full(dn), "{dn:?}");
        }
        assert!(is_plain_dn("uid=user000123,ou=people,dc=example,dc=org"));
        assert!(is_plain_dn("CN=John Smith,OU=Staff,DC=Example,DC=com"));
        assert!(!is_plain_dn("CN=A, DC=x"));
        let mut buf = String::from("left over");
        normalize_dn_into("CN=B,DC=Y", &mut buf);
        assert_eq!(buf, "cn=b,dc=y");
    }

    #[test]
    fn unique_member_uid_suffix() {
        assert_eq!(strip_optional_uid("cn=x,dc=y#'0101'B"), "cn=x,dc=y");
        assert_eq!(strip_optional_uid(" cn=x,dc=y "), "cn=x,dc=y");
        assert_eq!(strip_optional_uid("cn=x#'zz'B,dc=y"), "cn=x#'zz'B,dc=y");
    }
}
