//! `onramp profile list|show|new|validate`.

use onramp_engine::error::ToReport;
use onramp_engine::profile::Profile;
use serde::Serialize;

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_error, print_json};

#[derive(Serialize)]
struct ListItem<'a> {
    name: &'a str,
    path: String,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<onramp_engine::ErrorReport>,
}

/// `profile list`
pub fn list(ctx: &Context) -> Result<Exit, Failure> {
    let entries = ctx.profiles.list()?;
    let items: Vec<ListItem> = entries
        .iter()
        .map(|e| ListItem {
            name: &e.name,
            path: e.path.display().to_string(),
            valid: e.profile.is_ok(),
            kind: e.profile.as_ref().ok().map(|p| p.kind.id()),
            display_name: e.profile.as_ref().ok().map(|p| p.display_name.as_str()),
            error: e.profile.as_ref().err().map(ToReport::to_report),
        })
        .collect();
    if ctx.json {
        print_json(&items);
    } else if items.is_empty() {
        outln!("No profiles in {}.", ctx.profiles.dir().display());
        outln!("Create one with: onramp profile new NAME --kind ad");
    } else {
        outln!("{:<24} {:<12} {:<8} DISPLAY NAME", "NAME", "KIND", "STATUS");
        for item in &items {
            outln!(
                "{:<24} {:<12} {:<8} {}",
                item.name,
                item.kind.unwrap_or("?"),
                if item.valid { "valid" } else { "INVALID" },
                item.display_name.unwrap_or_else(|| item
                    .error
                    .as_ref()
                    .map(|e| e.message.as_str())
                    .unwrap_or(""))
            );
        }
    }
    Ok(Exit::Ok)
}

/// `profile show`
pub fn show(ctx: &Context, name_or_path: &str) -> Result<Exit, Failure> {
    let profile = ctx.profiles.load(name_or_path)?;
    if ctx.json {
        print_json(&profile);
    } else {
        print_summary(&profile);
    }
    Ok(Exit::Ok)
}

fn print_summary(p: &Profile) {
    outln!("{} ({})", p.display_name, p.kind.label());
    outln!("  file:      {}", p.path.display());
    outln!("  kind:      {}", p.kind);
    let secrets: Vec<String> = p
        .connection
        .secret_names()
        .into_iter()
        .chain(p.target.iter().flat_map(|t| t.secret_names()))
        .map(ToString::to_string)
        .collect();
    if !secrets.is_empty() {
        outln!("  secrets:   {}", secrets.join(", "));
    }
    if let Some(t) = &p.target {
        outln!("  target:    {}", t.url);
    }
    if let Some(e) = &p.export {
        outln!("  export to: {}", e.folder.display());
    }
    if p.kind.is_directory() {
        outln!(
            "  schedule:  {}",
            if p.schedule.enabled {
                format!("every {} minutes", p.schedule.interval_minutes)
            } else {
                "manual only".to_owned()
            }
        );
    }
    outln!("  (use --json for every setting)");
}

/// `profile new`
pub fn new(
    ctx: &Context,
    name: &str,
    kind: onramp_engine::profile::IntegrationKind,
) -> Result<Exit, Failure> {
    let path = ctx.profiles.create(name, kind)?;
    tracing::info!(profile = name, kind = kind.id(), "profile created");
    if ctx.json {
        print_json(&serde_json::json!({ "name": name, "path": path }));
    } else {
        outln!("Created {}", path.display());
        outln!(
            "Edit it, store its secrets with `onramp secret set NAME`, then run `onramp profile validate {name}`."
        );
    }
    Ok(Exit::Ok)
}

#[derive(Serialize)]
struct ValidationItem {
    profile: String,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<onramp_engine::ErrorReport>,
}

/// `profile validate`
pub fn validate(ctx: &Context, names: &[String]) -> Result<Exit, Failure> {
    let mut results = Vec::new();
    if names.is_empty() {
        for entry in ctx.profiles.list()? {
            results.push(ValidationItem {
                profile: entry.name,
                valid: entry.profile.is_ok(),
                error: entry.profile.err().map(|e| e.to_report()),
            });
        }
    } else {
        for name in names {
            let result = ctx.profiles.load(name);
            results.push(ValidationItem {
                profile: name.clone(),
                valid: result.is_ok(),
                error: result.err().map(|e| e.to_report()),
            });
        }
    }
    let all_valid = results.iter().all(|r| r.valid);
    if ctx.json {
        print_json(&results);
    } else {
        if results.is_empty() {
            outln!("No profiles in {}.", ctx.profiles.dir().display());
        }
        for r in &results {
            match &r.error {
                None => outln!("{}: valid", r.profile),
                Some(e) => print_error(e, false),
            }
        }
    }
    Ok(if all_valid { Exit::Ok } else { Exit::Config })
}
