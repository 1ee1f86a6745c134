//! Bind identities and what a server's answer to a simple bind means.
//!
//! The interesting answers are the ones that fail: result code 8 means the
//! server wants the connection protected (Windows AD's "LDAP server signing
//! requirements", Samba's "ldap server require strong auth"); result code 49
//! carries, on AD, a `data` code that says exactly why the credentials were
//! refused. Both are turned into words and remedies here.

use serde::Serialize;

use super::syntax::{SyntaxError, parse_dn};

/// The forms a service account can be written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BindIdentity {
    /// A distinguished name.
    Dn(String),
    /// `user@upn-suffix` (AD).
    Upn(String),
    /// `DOMAIN\user` (AD).
    DownLevel(String),
}

impl BindIdentity {
    /// Parses the `bind_dn` setting.
    pub fn parse(field: &str, value: &str) -> Result<Self, SyntaxError> {
        let v = value.trim();
        if v.contains('=') {
            parse_dn(field, v)?;
            Ok(Self::Dn(v.to_owned()))
        } else if let Some((user, domain)) = v.split_once('\\') {
            if user.is_empty() || domain.is_empty() || domain.contains('\\') {
                return Err(SyntaxError {
                    field: field.to_owned(),
                    reason: format!("'{v}' is not of the form DOMAIN\\user"),
                });
            }
            Ok(Self::DownLevel(v.to_owned()))
        } else if let Some((user, suffix)) = v.split_once('@') {
            if user.is_empty() || suffix.is_empty() || suffix.contains('@') {
                return Err(SyntaxError {
                    field: field.to_owned(),
                    reason: format!("'{v}' is not of the form user@domain"),
                });
            }
            Ok(Self::Upn(v.to_owned()))
        } else {
            Err(SyntaxError {
                field: field.to_owned(),
                reason: format!(
                    "'{v}' is not a bind name: expected a DN (CN=svc,OU=…,DC=…), user@domain or DOMAIN\\user"
                ),
            })
        }
    }

    /// The string sent in the bind request.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Dn(s) | Self::Upn(s) | Self::DownLevel(s) => s,
        }
    }
}

/// Which server's flavour of "protect the connection first" was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningFlavor {
    /// Windows AD: `00002028 … integrity checking`, only after a correct password.
    ActiveDirectory,
    /// Samba: `BindSimple: Transport encryption required.`, before the password is checked.
    Samba,
    /// Another server answering strongerAuthRequired.
    Other,
}

/// AD's `data` code in a result-49 diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdBindCode {
    /// 52e
    WrongPassword,
    /// 525
    NoSuchUser,
    /// 530
    LogonHours,
    /// 531
    Workstation,
    /// 532
    PasswordExpired,
    /// 533
    Disabled,
    /// 701
    AccountExpired,
    /// 773
    MustChangePassword,
    /// 775
    LockedOut,
    /// 80090346: channel binding required.
    ChannelBinding,
    /// Anything else, as written.
    Unknown(String),
}

impl AdBindCode {
    fn from_code(code: &str) -> Self {
        match code.to_ascii_lowercase().as_str() {
            "52e" => Self::WrongPassword,
            "525" => Self::NoSuchUser,
            "530" => Self::LogonHours,
            "531" => Self::Workstation,
            "532" => Self::PasswordExpired,
            "533" => Self::Disabled,
            "701" => Self::AccountExpired,
            "773" => Self::MustChangePassword,
            "775" => Self::LockedOut,
            "80090346" => Self::ChannelBinding,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// What the code means, in words.
    pub fn explain(&self) -> String {
        match self {
            Self::WrongPassword => "the password is wrong (AD code 52e)".to_owned(),
            Self::NoSuchUser => "no such user: the account name does not exist (AD code 525)".to_owned(),
            Self::LogonHours => "the account may not log on at this time of day (AD code 530)".to_owned(),
            Self::Workstation => "the account may not log on from this machine (AD code 531, \"Log On To\" restriction)".to_owned(),
            Self::PasswordExpired => "the account's password has expired (AD code 532)".to_owned(),
            Self::Disabled => "the account is disabled (AD code 533)".to_owned(),
            Self::AccountExpired => "the account has expired (AD code 701)".to_owned(),
            Self::MustChangePassword => "the account must change its password at next logon (AD code 773)".to_owned(),
            Self::LockedOut => "the account is locked out (AD code 775)".to_owned(),
            Self::ChannelBinding => "the domain controller requires LDAP channel binding (80090346)".to_owned(),
            Self::Unknown(c) => format!("the credentials were refused (AD code {c})"),
        }
    }

    /// How to fix it.
    pub fn remediation(&self, secret: &str) -> Vec<String> {
        let store = format!("Store the correct password with: onramp secret set {secret}");
        match self {
            Self::WrongPassword => vec![store],
            Self::NoSuchUser => vec![
                "Check connection.bind_dn: write the service account as its UPN (svc@example.local), its DN, or DOMAIN\\user.".to_owned(),
            ],
            Self::LogonHours | Self::Workstation => vec![
                "In Active Directory Users and Computers, open the service account › Account › Logon Hours / Log On To, and allow this machine at all hours.".to_owned(),
            ],
            Self::PasswordExpired | Self::MustChangePassword => vec![
                "Set a new password on the service account and clear \"User must change password at next logon\".".to_owned(),
                "For a service account, tick \"Password never expires\" or plan its rotation.".to_owned(),
                store,
            ],
            Self::Disabled => vec![
                "Enable the service account in Active Directory Users and Computers (or: Enable-ADAccount -Identity <account>).".to_owned(),
            ],
            Self::AccountExpired => vec![
                "Clear or extend the account's expiry date (Account › Account expires).".to_owned(),
            ],
            Self::LockedOut => vec![
                "Unlock the account (Unlock-ADAccount -Identity <account>) and find what keeps using a wrong password.".to_owned(),
                store,
            ],
            Self::ChannelBinding => vec![
                "Use a simple bind over LDAPS or StartTLS, which channel binding does not block.".to_owned(),
            ],
            Self::Unknown(_) => vec![store],
        }
    }
}

/// What a simple bind produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum BindOutcome {
    /// Bound.
    Success,
    /// Result code 8: the server requires a protected connection for simple binds.
    SigningRequired {
        /// Whose wording.
        flavor: SigningFlavor,
        /// The diagnostic message.
        text: String,
    },
    /// Result code 49.
    InvalidCredentials {
        /// AD's reason, when the diagnostic carries one.
        ad_code: Option<AdBindCode>,
        /// The diagnostic message.
        text: String,
    },
    /// Any other result.
    Other {
        /// The result code.
        rc: u32,
        /// The diagnostic message.
        text: String,
    },
}

impl BindOutcome {
    /// Classifies a bind result.
    pub fn classify(rc: u32, text: &str) -> Self {
        match rc {
            0 => Self::Success,
            8 => {
                let flavor = if text.starts_with("00002028")
                    || text.contains("requires binds to turn on integrity checking")
                {
                    SigningFlavor::ActiveDirectory
                } else if text.contains("BindSimple: Transport encryption required") {
                    SigningFlavor::Samba
                } else {
                    SigningFlavor::Other
                };
                Self::SigningRequired {
                    flavor,
                    text: text.to_owned(),
                }
            }
            49 => Self::InvalidCredentials {
                ad_code: ad_data_code(text).map(|c| AdBindCode::from_code(&c)),
                text: text.to_owned(),
            },
            rc => Self::Other {
                rc,
                text: text.to_owned(),
            },
        }
    }
}

/// The hex code after `data ` in an AD diagnostic message.
fn ad_data_code(text: &str) -> Option<String> {
    let idx = text.find("data ")?;
    let code: String = text[idx + 5..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    (!code.is_empty()).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities() {
        assert!(matches!(
            BindIdentity::parse("f", "CN=svc,OU=S,DC=x").unwrap(),
            BindIdentity::Dn(_)
        ));
        assert!(matches!(
            BindIdentity::parse("f", "svc@x.local").unwrap(),
            BindIdentity::Upn(_)
        ));
        assert!(matches!(
            BindIdentity::parse("f", "X\\svc").unwrap(),
            BindIdentity::DownLevel(_)
        ));
        for bad in ["svc", "@x", "svc@", "\\svc", "CN=,DC=x", "a@b@c"] {
            assert!(
                BindIdentity::parse("connection.bind_dn", bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn classifies_signing_answers() {
        let ad = "00002028: LdapErr: DSID-0C090256, comment: The server requires binds to turn on integrity checking if SSL\\TLS are not already active on the connection, data 0, v3839";
        assert!(matches!(
            BindOutcome::classify(8, ad),
            BindOutcome::SigningRequired {
                flavor: SigningFlavor::ActiveDirectory,
                ..
            }
        ));
        assert!(matches!(
            BindOutcome::classify(8, "BindSimple: Transport encryption required."),
            BindOutcome::SigningRequired {
                flavor: SigningFlavor::Samba,
                ..
            }
        ));
        assert!(matches!(
            BindOutcome::classify(8, "confidentiality required"),
            BindOutcome::SigningRequired {
                flavor: SigningFlavor::Other,
                ..
            }
        ));
    }

    #[test]
    fn classifies_ad_data_codes() {
        let cases = [
            ("52e", AdBindCode::WrongPassword),
            ("525", AdBindCode::NoSuchUser),
            ("530", AdBindCode::LogonHours),
            ("531", AdBindCode::Workstation),
            ("532", AdBindCode::PasswordExpired),
            ("533", AdBindCode::Disabled),
            ("701", AdBindCode::AccountExpired),
            ("773", AdBindCode::MustChangePassword),
            ("775", AdBindCode::LockedOut),
            ("80090346", AdBindCode::ChannelBinding),
        ];
        for (code, want) in cases {
            let text = format!(
                "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data {code}, v4563"
            );
            assert_eq!(
                BindOutcome::classify(49, &text),
                BindOutcome::InvalidCredentials {
                    ad_code: Some(want),
                    text: text.clone()
                }
            );
        }
        assert!(matches!(
            BindOutcome::classify(49, "Invalid credentials"),
            BindOutcome::InvalidCredentials { ad_code: None, .. }
        ));
        assert!(matches!(BindOutcome::classify(0, ""), BindOutcome::Success));
        assert!(matches!(
            BindOutcome::classify(53, "unwilling"),
            BindOutcome::Other { rc: 53, .. }
        ));
    }
}
