//! The commented starting point `onramp profile new` writes for each kind.
//!
//! Every template parses as-is (a test checks this), so an admin can run
//! `onramp profile validate` right away and then replace the example values.

use super::IntegrationKind;

/// The text of a new profile of `kind` named `name`.
pub fn template(kind: IntegrationKind, name: &str) -> String {
    let header = format!(
        "# Onramp profile '{name}': {label}.\n\
         # Keys ending in _secret name an entry in the secret store; store the value with\n\
         #   onramp secret set NAME     (it is read from standard input)\n\
         # Check this file with: onramp profile validate {name}\n\n\
         kind = \"{id}\"\n\
         display_name = \"{label}\"\n\n",
        label = kind.label(),
        id = kind.id(),
    );
    let body = match kind {
        IntegrationKind::Ad => format!(
            "[connection]\n\
             # LDAPS (636) or ldap:// with starttls = true; a plain simple bind on 389 is\n\
             # refused by domain controllers that require LDAP signing.\n\
             url = \"ldaps://dc1.example.local\"\n\
             # base_dn = \"DC=example,DC=local\"   # proposed from the RootDSE when left out\n\
             bind_dn = \"svc-onramp@example.local\"   # UPN, DN or DOMAIN\\\\user of a read-only account\n\
             bind_password_secret = \"{name}-bind-password\"\n\
             # ca_file = \"/etc/onramp/ad-ca.pem\"    # when the DC's CA is not in the OS trust store\n\n\
             {SYNC}{SCHEDULE}{}",
            target(name)
        ),
        IntegrationKind::Ldap => format!(
            "[connection]\n\
             url = \"ldaps://ldap.example.com\"\n\
             base_dn = \"dc=example,dc=com\"\n\
             bind_dn = \"cn=onramp,ou=services,dc=example,dc=com\"\n\
             bind_password_secret = \"{name}-bind-password\"\n\n\
             {SYNC}{SCHEDULE}{}",
            target(name)
        ),
        IntegrationKind::Entra => format!(
            "[connection]\n\
             tenant = \"contoso.onmicrosoft.com\"   # or the Directory (tenant) ID\n\
             client_id = \"00000000-0000-0000-0000-000000000000\"\n\
             client_credential_secret = \"{name}-client-secret\"\n\n\
             {SYNC}{SCHEDULE}{}",
            target(name)
        ),
        IntegrationKind::Google => format!(
            "[connection]\n\
             service_account_key_secret = \"{name}-service-account-key\"   # the JSON key file's content\n\
             admin_email = \"admin@example.com\"   # the admin the service account acts for\n\n\
             {SYNC}{SCHEDULE}{}",
            target(name)
        ),
        IntegrationKind::Okta => format!(
            "[connection]\n\
             org_url = \"https://example.okta.com\"\n\
             api_token_secret = \"{name}-api-token\"\n\n\
             {SYNC}{SCHEDULE}{}",
            target(name)
        ),
        IntegrationKind::Saml => "[connection]\n\
             metadata_url = \"https://idp.example.com/app/metadata\"   # or metadata_file = \"/path/metadata.xml\"\n\
             sp_entity_id = \"https://platform.example.com/saml\"\n\
             acs_url = \"https://platform.example.com/saml/acs\"\n"
            .to_owned(),
        IntegrationKind::Sentinelone => format!(
            "[connection]\n\
             console_url = \"https://example.sentinelone.net\"\n\
             api_token_secret = \"{name}-api-token\"   # SentinelOne API tokens expire after 30 days\n"
        ),
        IntegrationKind::Bitdefender => format!(
            "[connection]\n\
             api_url = \"https://cloud.gravityzone.bitdefender.com/api\"\n\
             api_key_secret = \"{name}-api-key\"\n"
        ),
        IntegrationKind::Defender => format!(
            "[connection]\n\
             tenant = \"contoso.onmicrosoft.com\"\n\
             client_id = \"00000000-0000-0000-0000-000000000000\"\n\
             client_credential_secret = \"{name}-client-secret\"\n"
        ),
        IntegrationKind::Heimdal => format!(
            "[connection]\n\
             customer_id = \"123456\"\n\
             api_key_secret = \"{name}-api-key\"\n"
        ),
    };
    header + &body
}

const SYNC: &str = "[sync]\n\
    # groups = [\"VPN Users\"]            # each synced group becomes a platform group and a tag\n\
    # admin_groups = [\"Platform Admins\"] # members get the admin role (never downgraded)\n\
    # excluded_ous = [\"OU=Service Accounts,DC=example,DC=local\"]\n\
    # deprovision = \"preserve\"          # preserve | deactivate | delete\n\n";

const SCHEDULE: &str = "[schedule]\n\
    enabled = true\n\
    interval_minutes = 15\n\n";

fn target(name: &str) -> String {
    format!(
        "[target]\n\
         # The platform's SCIM 2.0 endpoint and its API credential.\n\
         url = \"https://platform.example.com/scim/v2\"\n\
         auth = \"bearer\"                  # or \"oauth2\" with token_url, client_id, client_credential_secret\n\
         token_secret = \"{name}-platform-token\"\n"
    )
}
