//! `onramp diagnostics export`: the bundle for support, redacted, listed,
//! then saved.

use std::path::{Path, PathBuf};

use onramp_engine::diagnostics::{Bundle, Sources, collect};
use serde::Serialize;

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_json};

#[derive(Serialize)]
struct ExportOutput<'a> {
    out: &'a Path,
    bytes: u64,
    #[serde(flatten)]
    bundle: &'a Bundle,
}

/// `diagnostics export [--out FILE]`
pub fn export(ctx: &Context, out: Option<&Path>, now_unix: i64) -> Result<Exit, Failure> {
    let bundle = collect(&Sources {
        paths: &ctx.paths,
        profiles: &ctx.profiles,
        secrets: ctx.secrets.as_ref(),
        made_by: "cli",
        now_unix,
    })?;
    let out: PathBuf = out
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from(&bundle.suggested_name));
    let bytes = bundle.write(&out)?;
    tracing::info!(out = %out.display(), bytes, files = bundle.files.len(), "diagnostic bundle written");
    if ctx.json {
        print_json(&ExportOutput {
            out: &out,
            bytes,
            bundle: &bundle,
        });
        return Ok(Exit::Ok);
    }
    outln!("The bundle holds:");
    for f in &bundle.files {
        let removed: usize = f.redacted.values().sum();
        if removed == 0 {
            outln!("  {:<40} {:>10} bytes", f.path, f.bytes);
        } else {
            outln!(
                "  {:<40} {:>10} bytes  ({removed} secrets or tokens removed)",
                f.path,
                f.bytes
            );
        }
    }
    for note in &bundle.notes {
        outln!("Note: {note}");
    }
    outln!(
        "Saved {} ({bytes} bytes). Its manifest.json lists what was removed where (REDACTIONS).",
        out.display()
    );
    Ok(Exit::Ok)
}
