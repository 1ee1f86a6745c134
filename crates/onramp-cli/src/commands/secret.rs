//! `onramp secret set|delete`.
//!
//! Values are read from standard input only: a value on the command line
//! would be visible to every user in the process list and kept in shell
//! history.

use std::io::{IsTerminal, Read};

use onramp_engine::ErrorCode;
use onramp_engine::secret::{Secret, SecretName};

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_json};

fn secret_name(name: &str) -> Result<SecretName, Failure> {
    SecretName::new(name).map_err(|e| Failure::new(ErrorCode::InvalidInput, e.to_string()))
}

fn read_value() -> Result<Secret, Failure> {
    let stdin = std::io::stdin();
    let value = if stdin.is_terminal() {
        rpassword::prompt_password("Value (input hidden): ").map_err(|e| {
            Failure::new(ErrorCode::Io, format!("cannot read from the terminal: {e}"))
        })?
    } else {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text).map_err(|e| {
            Failure::new(
                ErrorCode::InvalidInput,
                format!("cannot read the value from standard input: {e}"),
            )
        })?;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        text
    };
    let secret = Secret::new(value);
    if secret.is_empty() {
        return Err(Failure::new(
            ErrorCode::InvalidInput,
            "no value given on standard input; nothing was stored",
        ));
    }
    Ok(secret)
}

/// `secret set`
pub fn set(ctx: &Context, name: &str) -> Result<Exit, Failure> {
    let name = secret_name(name)?;
    let value = read_value()?;
    ctx.secrets.set(&name, &value)?;
    tracing::info!(secret = %name, store = %ctx.secrets.describe(), "secret stored");
    if ctx.json {
        print_json(&serde_json::json!({ "name": name, "store": ctx.secrets.describe() }));
    } else {
        outln!("Stored secret '{name}' in the {}.", ctx.secrets.describe());
    }
    Ok(Exit::Ok)
}

/// `secret delete`
pub fn delete(ctx: &Context, name: &str) -> Result<Exit, Failure> {
    let name = secret_name(name)?;
    ctx.secrets.delete(&name)?;
    tracing::info!(secret = %name, store = %ctx.secrets.describe(), "secret deleted");
    if ctx.json {
        print_json(&serde_json::json!({ "name": name, "deleted": true }));
    } else {
        outln!(
            "Deleted secret '{name}' from the {}.",
            ctx.secrets.describe()
        );
    }
    Ok(Exit::Ok)
}
