//! The `Authorization` header for the platform's SCIM API.

use oauth2::basic::BasicClient;
use oauth2::{ClientId, ClientSecret, Scope, TokenResponse, TokenUrl};

use onramp_base::http::HttpClient;
use onramp_profile::{Target, TargetAuth};
use onramp_secrets::{Secret, SecretError, SecretStore};

/// Why no `Authorization` header could be produced.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The token or client secret is not in the store.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The token endpoint could not be reached.
    #[error("token endpoint unreachable: {0}")]
    Transport(#[source] reqwest::Error),
    /// The token endpoint answered with an OAuth 2.0 error.
    #[error("the token endpoint refused: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// The `error` code, e.g. `invalid_client`.
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// The token endpoint answered with something that is not an OAuth 2.0 token response.
    #[error("the token endpoint's answer is not an OAuth 2.0 token response: {0}")]
    BadResponse(String),
}

/// Produces the `Authorization` header value for the target.
pub async fn authorization(
    target: &Target,
    secrets: &dyn SecretStore,
    http: &HttpClient,
) -> Result<Secret, AuthError> {
    match &target.auth {
        TargetAuth::Bearer { token_secret } => {
            let token = secrets.get(token_secret)?;
            Ok(Secret::new(format!("Bearer {}", token.expose())))
        }
        TargetAuth::Oauth2 {
            token_url,
            client_id,
            client_credential_secret,
            scope,
        } => {
            let secret = secrets.get(client_credential_secret)?;
            let client = BasicClient::new(ClientId::new(client_id.clone()))
                .set_client_secret(ClientSecret::new(secret.expose().to_owned()))
                .set_token_uri(TokenUrl::from_url(token_url.clone()));
            let mut request = client.exchange_client_credentials();
            if let Some(scope) = scope {
                request = request.add_scope(Scope::new(scope.clone()));
            }
            let send = |req: oauth2::HttpRequest| send_oauth_request(http, req);
            let token = request.request_async(&send).await.map_err(|e| match e {
                oauth2::RequestTokenError::Request(e) => AuthError::Transport(e),
                oauth2::RequestTokenError::ServerResponse(r) => AuthError::Refused {
                    error: r.error().to_string(),
                    description: r.error_description().cloned(),
                },
                oauth2::RequestTokenError::Parse(e, _) => AuthError::BadResponse(e.to_string()),
                oauth2::RequestTokenError::Other(s) => AuthError::BadResponse(s),
            })?;
            Ok(Secret::new(format!(
                "Bearer {}",
                token.access_token().secret()
            )))
        }
    }
}

async fn send_oauth_request(
    http: &HttpClient,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let request = reqwest::Request::try_from(request)?;
    let response = http.client.execute(request).await?;
    let mut builder = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let body = response.bytes().await?.to_vec();
    // Status and headers were copied from a valid response, so this cannot fail.
    Ok(builder
        .body(body)
        .unwrap_or_else(|_| http::Response::new(Vec::new())))
}
