//! A fake tray host: `org.kde.StatusNotifierWatcher` on a private bus, so
//! the desktop app's tray icon (libayatana-appindicator, through Tauri's
//! tray-icon) registers with it as with a desktop's panel, and the tests can
//! read the icon and use its menu over D-Bus the way the panel does.
//!
//! The watcher records each `RegisterStatusNotifierItem` with its sender.
//! [`TrayItem`] then reads the item's `org.kde.StatusNotifierItem`
//! properties and drives its `com.canonical.dbusmenu` menu: `GetLayout` for
//! the labels and ids, `Event(id, "clicked", …)` for a click.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// The bus name and path of the watcher.
const WATCHER: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";

/// One registered item: the sender's bus name and the item's object path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The registering connection's unique name.
    pub sender: String,
    /// The item's object path (or its bus name, as some items send).
    pub path: String,
}

/// The D-Bus object, in a module of its own: the interface macro adds a
/// public trait of signal helpers that needs no docs of ours.
mod server {
    use std::sync::{Arc, Mutex};

    use zbus::message::Header;

    use super::Registration;

    pub(super) struct Watcher {
        pub(super) items: Arc<Mutex<Vec<Registration>>>,
    }

    #[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
    impl Watcher {
        fn register_status_notifier_item(
            &self,
            service: String,
            #[zbus(header)] header: Header<'_>,
        ) {
            let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
            let path = if service.starts_with('/') {
                service
            } else {
                "/StatusNotifierItem".to_owned()
            };
            self.items
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(Registration { sender, path });
        }

        fn register_status_notifier_host(&self, _service: String) {}

        #[zbus(property)]
        fn registered_status_notifier_items(&self) -> Vec<String> {
            self.items
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .map(|r| format!("{}{}", r.sender, r.path))
                .collect()
        }

        #[zbus(property)]
        fn is_status_notifier_host_registered(&self) -> bool {
            true
        }

        #[zbus(property)]
        fn protocol_version(&self) -> i32 {
            0
        }
    }
}

/// The fake watcher, serving until dropped.
pub struct FakeTrayHost {
    connection: zbus::blocking::Connection,
    items: Arc<Mutex<Vec<Registration>>>,
}

impl FakeTrayHost {
    /// Owns `org.kde.StatusNotifierWatcher` on the bus at `address`.
    pub fn serve(address: &str) -> Result<Self, String> {
        let items = Arc::new(Mutex::new(Vec::new()));
        let watcher = server::Watcher {
            items: items.clone(),
        };
        let connection = zbus::blocking::connection::Builder::address(address)
            .and_then(|b| b.serve_at(WATCHER_PATH, watcher))
            .and_then(|b| b.name(WATCHER))
            .and_then(|b| b.build())
            .map_err(|e| format!("cannot serve {WATCHER} on {address}: {e}"))?;
        Ok(Self { connection, items })
    }

    /// Waits up to `timeout` for the first item to register.
    pub fn wait_for_item(&self, timeout: Duration) -> Result<TrayItem<'_>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self
                .items
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .first()
                .cloned()
            {
                return Ok(TrayItem {
                    connection: &self.connection,
                    registration: r,
                });
            }
            if Instant::now() > deadline {
                return Err(format!("no tray item registered within {timeout:?}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A registered tray item, seen from the panel's side.
pub struct TrayItem<'a> {
    connection: &'a zbus::blocking::Connection,
    registration: Registration,
}

/// One entry of the item's menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    /// The dbusmenu id.
    pub id: i32,
    /// The label, mnemonic underscores removed.
    pub label: String,
}

impl TrayItem<'_> {
    /// The registration (sender and path).
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// A property of the item's `org.kde.StatusNotifierItem` interface.
    pub fn property(&self, name: &str) -> Result<OwnedValue, String> {
        let proxy = zbus::blocking::fdo::PropertiesProxy::builder(self.connection)
            .destination(self.registration.sender.as_str())
            .and_then(|b| b.path(self.registration.path.as_str()))
            .and_then(|b| b.build())
            .map_err(|e| format!("properties proxy: {e}"))?;
        let interface = zbus::names::InterfaceName::try_from("org.kde.StatusNotifierItem")
            .map_err(|e| e.to_string())?;
        proxy
            .get(interface, name)
            .map_err(|e| format!("cannot read the tray item's {name}: {e}"))
    }

    /// A string property of the item (`IconName`, `IconThemePath`, `Status`…).
    pub fn string_property(&self, name: &str) -> Result<String, String> {
        let value = self.property(name)?;
        String::try_from(value).map_err(|e| format!("{name} is not a string: {e}"))
    }

    fn menu_path(&self) -> Result<String, String> {
        let value = self.property("Menu")?;
        OwnedObjectPath::try_from(value)
            .map(|p| p.to_string())
            .map_err(|e| format!("Menu is not an object path: {e}"))
    }

    fn call_menu<B>(&self, method: &str, body: &B) -> Result<zbus::Message, String>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        let path = self.menu_path()?;
        self.connection
            .call_method(
                Some(self.registration.sender.as_str()),
                path.as_str(),
                Some("com.canonical.dbusmenu"),
                method,
                body,
            )
            .map_err(|e| format!("dbusmenu {method}: {e}"))
    }

    /// The top-level entries of the item's menu, in order.
    pub fn menu(&self) -> Result<Vec<MenuEntry>, String> {
        let no_properties: Vec<&str> = Vec::new();
        let reply = self.call_menu("GetLayout", &(0i32, -1i32, no_properties))?;
        let body = reply.body();
        type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let (_revision, (_, _, children)): (u32, Layout) = body
            .deserialize()
            .map_err(|e| format!("GetLayout answer: {e}"))?;
        let mut entries = Vec::new();
        for child in children {
            // Each child is a variant holding (ia{sv}av).
            let value = Value::from(child);
            let value = match value {
                Value::Value(inner) => *inner,
                other => other,
            };
            let (id, props, _): (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>) =
                value.try_into().map_err(|e| format!("menu child: {e}"))?;
            let label = props
                .get("label")
                .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
                .unwrap_or_default()
                .replace('_', "");
            if !label.is_empty() {
                entries.push(MenuEntry { id, label });
            }
        }
        Ok(entries)
    }

    /// Clicks the menu entry labelled `label`.
    pub fn click(&self, label: &str) -> Result<(), String> {
        let entries = self.menu()?;
        let entry = entries
            .iter()
            .find(|e| e.label == label)
            .ok_or_else(|| format!("no menu entry '{label}' in {entries:?}"))?;
        self.call_menu("Event", &(entry.id, "clicked", Value::I32(0), 0u32))
            .map(drop)
    }

    /// Whether the item's connection is still on the bus (the app runs).
    pub fn alive(&self) -> Result<bool, String> {
        let dbus = zbus::blocking::fdo::DBusProxy::new(self.connection)
            .map_err(|e| format!("DBus proxy: {e}"))?;
        let name = zbus::names::BusName::try_from(self.registration.sender.as_str())
            .map_err(|e| e.to_string())?;
        dbus.name_has_owner(name)
            .map_err(|e| format!("NameHasOwner: {e}"))
    }
}
