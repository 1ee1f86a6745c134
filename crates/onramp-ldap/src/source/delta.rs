//! Delta reads: only what changed since the last read, merged into the
//! source mirror of the state store.
//!
//! * **Active Directory / Samba**: the cursor is the DC's `dsServiceName`,
//!   its `invocationId` and the `highestCommittedUSN` read at the start of the
//!   previous read. The next read asks for `uSNChanged >= USN+1` under the
//!   base DN: changed users and groups in scope; then every changed object's
//!   anchor in the whole naming context (one that changed but no longer
//!   matches the filters, sits in an excluded OU or was moved out of the base
//!   DN has left the scope); and, with the Show Deleted control, the
//!   tombstones (deletions). USNs are per DC: a
//!   different DC or a changed invocationId (a restored DC) means a full read.
//! * **OpenLDAP**: the cursor is the latest `modifyTimestamp` seen; the next
//!   read asks for `modifyTimestamp >=` it (inclusive, so changes within the
//!   same second are read again rather than missed). OpenLDAP keeps no
//!   tombstones, so deletions are found by the periodic full read.
//! * **Full reads** replace the mirror: on the first run, when the base DN,
//!   filters or exclusions changed, when the cursor does not fit the server,
//!   and every `full_read_hours` (default 24) to catch what a delta cannot
//!   see (OpenLDAP deletions, changes a server did not stamp).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ldap3::Scope;
use ldap3::controls::RawControl;
use serde::{Deserialize, Serialize};

use super::entry::{anchor, normalize_dn};
use super::{
    BindCredentials, ReadReport, SourceError, Users, dialect_and_base, read_full, read_users,
    search_groups,
};
use crate::directory::DirectoryTarget;
use crate::ldap::entry::Entry;
use crate::ldap::guid::object_guid_to_string;
use crate::ldap::rootdse::RootDse;
use crate::ldap::search::{decode_entry, paged_search, read_entry};
use crate::ldap::session::Session;
use onramp_connector::Snapshot;
use onramp_connector::source::{ReadKind, SourceState, StateError};
use onramp_secrets::SecretStore;

/// LDAP_SERVER_SHOW_DELETED_OID.
const SHOW_DELETED_OID: &str = "1.2.840.113556.1.4.417";
/// The cursor's key in the state store.
const CURSOR_KEY: &str = "source";

/// A read for a sync run failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncReadError {
    /// The directory could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The mirror or the cursor could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    /// Base DN, filters and exclusions the mirror was read with.
    scope: String,
    ad: bool,
    dc: Option<String>,
    invocation_id: Option<String>,
    usn: Option<u64>,
    modify_timestamp: Option<String>,
    full_read_unix: i64,
}

/// Where this DC stands now (AD): its identity and highest USN.
struct DcState {
    dc: Option<String>,
    invocation_id: Option<String>,
    usn: Option<u64>,
}

fn scope_key(target: &DirectoryTarget, base: &str, ad: bool) -> String {
    // The attribute mapping is part of the scope: the mirror holds mapped
    // values, so a new mapping needs a full read.
    format!(
        "{base}|{}|{}|{}|{:?}",
        target.users_filter(ad),
        target.groups_filter(ad),
        target.excluded_ous.join(";"),
        target.attributes
    )
}

async fn dc_state(session: &mut Session, dse: &RootDse) -> DcState {
    let mut invocation_id = None;
    if let Some(service) = &dse.ds_service_name
        && let Ok(Some(entry)) = read_entry(&mut session.ldap, service, &["invocationId"]).await
    {
        invocation_id = entry
            .binary("invocationId")
            .and_then(object_guid_to_string)
            .or_else(|| entry.text("invocationId").map(str::to_owned));
    }
    DcState {
        dc: dse.ds_service_name.clone(),
        invocation_id,
        usn: dse.highest_committed_usn,
    }
}

/// Reads the directory for a sync run: a delta merged into the
/// mirror when the cursor allows, else a full read that replaces it.
pub async fn read_for_sync(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
    state: &dyn SourceState,
    full_read_hours: u32,
    now_unix: i64,
) -> Result<(Snapshot, ReadReport, ReadKind), SyncReadError> {
    let credentials = BindCredentials::of(target, secrets)?;
    let mut session = credentials.open(target).await?;
    let result = read_with_session(
        target,
        &credentials,
        &mut session,
        state,
        full_read_hours,
        now_unix,
    )
    .await;
    session.close().await;
    result
}

async fn read_with_session(
    target: &DirectoryTarget,
    credentials: &BindCredentials,
    session: &mut Session,
    state: &dyn SourceState,
    full_read_hours: u32,
    now_unix: i64,
) -> Result<(Snapshot, ReadReport, ReadKind), SyncReadError> {
    let (dse, base, ad) = dialect_and_base(target, session).await?;
    let now_dc = if ad {
        dc_state(session, &dse).await
    } else {
        DcState {
            dc: None,
            invocation_id: None,
            usn: None,
        }
    };
    let scope = scope_key(target, &base, ad);
    let stored: Option<Cursor> = state
        .cursor(CURSOR_KEY)?
        .and_then(|c| serde_json::from_str(&c).ok());

    let full_reason = match &stored {
        None => Some("no earlier read".to_owned()),
        Some(c) if c.scope != scope || c.ad != ad => {
            Some("the base DN, filters or exclusions changed".to_owned())
        }
        Some(c) if now_unix - c.full_read_unix >= i64::from(full_read_hours) * 3600 => Some(
            format!("the periodic full read (every {full_read_hours} h)"),
        ),
        Some(c) if ad && (c.dc != now_dc.dc || c.invocation_id != now_dc.invocation_id) => Some(
            "another domain controller answered, or it was restored (invocationId changed)"
                .to_owned(),
        ),
        Some(c) if ad && (c.usn.is_none() || now_dc.usn.is_none()) => {
            Some("the USN is unknown".to_owned())
        }
        Some(c) if !ad && c.modify_timestamp.is_none() => {
            Some("no modifyTimestamp was seen".to_owned())
        }
        Some(_) => None,
    };

    let stored = match (full_reason, stored) {
        (None, Some(cursor)) => cursor,
        (reason, _) => {
            let reason = reason.unwrap_or_else(|| "no earlier read".to_owned());
            let (snapshot, report) = read_full(target, credentials, session, &base, ad).await?;
            state.replace_mirror(&snapshot)?;
            let cursor = Cursor {
                scope,
                ad,
                dc: now_dc.dc,
                invocation_id: now_dc.invocation_id,
                usn: now_dc.usn,
                modify_timestamp: report.latest_modify_timestamp.clone(),
                full_read_unix: now_unix,
            };
            state.set_cursor(
                CURSOR_KEY,
                &serde_json::to_string(&cursor).unwrap_or_default(),
            )?;
            return Ok((snapshot, report, ReadKind::Full { reason }));
        }
    };

    // The changes since the cursor.
    let condition = if ad {
        format!("(uSNChanged>={})", stored.usn.unwrap_or(0) + 1)
    } else {
        format!(
            "(modifyTimestamp>={})",
            stored.modify_timestamp.clone().unwrap_or_default()
        )
    };
    let mut report = ReadReport {
        base_dn: base.clone(),
        ad,
        ..ReadReport::default()
    };
    let mirror = state.load_mirror()?;
    let changed = read_users(
        target,
        &mut session.ldap,
        &base,
        ad,
        &format!("(&{}{condition})", target.users_filter(ad)),
        &mut report,
    )
    .await?
    .list;
    let changed_anchors: BTreeSet<String> = changed.iter().map(|u| u.anchor.clone()).collect();
    // The mirror's users with the changed ones swapped in (in place: the
    // mirror's list is reused, not re-keyed), then the new ones. The merged
    // list itself is indexed for member resolution and taken back out of
    // the index afterwards.
    let mut fresh: HashMap<&str, &onramp_connector::SourceUser> =
        changed.iter().map(|u| (u.anchor.as_str(), u)).collect();
    let mut merged: Vec<onramp_connector::SourceUser> = mirror
        .users
        .into_iter()
        .map(|u| match fresh.remove(u.anchor.as_str()) {
            Some(new) => new.clone(),
            None => u,
        })
        .collect();
    merged.extend(fresh.into_values().cloned());
    let index = Users::from_list(merged);
    let known_groups: HashMap<String, String> = mirror
        .groups
        .iter()
        .map(|g| (normalize_dn(&g.dn), g.anchor.clone()))
        .collect();
    let changed_groups = search_groups(
        target,
        &mut session.ldap,
        &base,
        ad,
        &format!("(&{}{condition})", target.groups_filter(ad)),
    )
    .await?
    .resolve(&index, &known_groups, &mut report);
    let changed_group_anchors: BTreeSet<String> =
        changed_groups.iter().map(|g| g.anchor.clone()).collect();
    let mut users = index.list;

    // Objects that changed but are not in scope any more (filters, excluded
    // OUs, moved out of the base DN: so the search covers the whole naming
    // context), and deletions.
    let nc = dse
        .default_naming_context
        .clone()
        .or_else(|| dse.proposed_base_dn())
        .unwrap_or_else(|| base.clone());
    let mut removed = BTreeSet::new();
    let mut anchor_failed = None;
    paged_search(
        &mut session.ldap,
        &nc,
        &condition,
        &[super::entry::anchor_attribute(ad)],
        |e: Entry| match anchor(&e, ad) {
            Ok(a) if !changed_anchors.contains(&a) && !changed_group_anchors.contains(&a) => {
                removed.insert(a);
            }
            Ok(_) => {}
            Err(p) => anchor_failed = Some(p.to_string()),
        },
    )
    .await
    .map_err(|e| SourceError::search("changed objects", &nc, e))?;
    if let Some(p) = anchor_failed {
        tracing::debug!("a changed object without anchor was ignored: {p}");
    }
    if ad {
        let (entries, _) = session
            .ldap
            .with_controls(RawControl {
                ctype: SHOW_DELETED_OID.to_owned(),
                crit: true,
                val: None,
            })
            .search(
                &nc,
                Scope::Subtree,
                &format!("(&(isDeleted=TRUE){condition})"),
                vec!["objectGUID"],
            )
            .await
            .and_then(|r| r.success())
            .map_err(|e| SourceError::search("deleted objects", &nc, e))?;
        for e in entries {
            let e = decode_entry(e).map_err(|e| SourceError::search("deleted objects", &nc, e))?;
            if let Ok(a) = anchor(&e, true) {
                removed.insert(a);
            }
        }
    }
    // Only what the mirror holds can be removed from it.
    {
        let mirrored: std::collections::HashSet<&str> =
            users.iter().map(|u| u.anchor.as_str()).collect();
        removed.retain(|a| mirrored.contains(a.as_str()) || known_groups.values().any(|g| g == a));
    }
    users.retain(|u| !removed.contains(&u.anchor));
    let mut groups: BTreeMap<String, onramp_connector::SourceGroup> = mirror
        .groups
        .into_iter()
        .map(|g| (g.anchor.clone(), g))
        .collect();
    for a in &removed {
        groups.remove(a);
    }
    for g in &changed_groups {
        groups.insert(g.anchor.clone(), g.clone());
    }
    state.update_mirror(&changed, &changed_groups, &removed)?;
    let cursor = Cursor {
        usn: now_dc.usn.or(stored.usn),
        modify_timestamp: match (&report.latest_modify_timestamp, &stored.modify_timestamp) {
            (Some(new), Some(old)) if new > old => Some(new.clone()),
            (Some(new), None) => Some(new.clone()),
            (_, old) => old.clone(),
        },
        ..stored
    };
    state.set_cursor(
        CURSOR_KEY,
        &serde_json::to_string(&cursor).unwrap_or_default(),
    )?;
    let kind = ReadKind::Delta {
        changed_users: changed.len(),
        changed_groups: changed_groups.len(),
        removed: removed.len(),
    };
    tracing::info!(?kind, "delta read merged into the mirror");
    Ok((
        Snapshot {
            users,
            groups: groups.into_values().collect(),
            complete: true,
        },
        report,
        kind,
    ))
}
