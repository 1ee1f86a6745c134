//! The types of a wizard definition, as the TOML file writes them and as the
//! UI receives them.
//!
//! One set of types serves both sides, with the same snake_case keys; the
//! `TS` derives give the UI its declarations (`ui/src/types.ts`, `Wizard`).
//! Unknown keys are refused, so a misspelt key in a wizard file is a load
//! error rather than a silently missing option.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use onramp_profile::IntegrationKind;

/// One setup wizard (`wizards/<id>.toml`): the steps that produce a profile
/// of `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wizard {
    /// The wizard's id, also its file stem (`ad` for `wizards/ad.toml`).
    pub id: String,
    /// The kind of profile the wizard produces.
    pub kind: IntegrationKind,
    /// Shown in the wizard list; also the profile's default display name.
    pub title: String,
    /// One paragraph on what the wizard sets up.
    pub summary: String,
    /// The steps, in the order the admin goes through them.
    pub steps: Vec<Step>,
}

/// What a step shows and how the UI moves past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Items the admin ticks; every one before Next.
    Checklist,
    /// Fields, then the step's checks.
    Form,
    /// The plan a first sync would apply; nothing is changed.
    Preview,
    /// Writes the profile and its secrets.
    Save,
}

impl StepKind {
    /// Every kind, in declaration order.
    pub const ALL: [StepKind; 4] = [Self::Checklist, Self::Form, Self::Preview, Self::Save];

    /// The name used in wizard files and in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Checklist => "checklist",
            Self::Form => "form",
            Self::Preview => "preview",
            Self::Save => "save",
        }
    }
}

/// One step of a wizard.
#[derive(Debug, Clone, PartialEq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
#[ts(rename = "WizardStep")]
pub struct Step {
    /// Unique within the wizard.
    pub id: String,
    /// What the step does.
    pub kind: StepKind,
    /// The step's heading.
    pub title: String,
    /// Paragraphs of explanation above the step's content.
    #[serde(default)]
    pub intro: String,
    /// `checklist` steps: what the admin ticks.
    #[serde(default)]
    pub items: Vec<ChecklistItem>,
    /// `form` and `save` steps: the fields.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// Check ids run after the step's fields validate (see `wizard::CHECK_IDS`).
    #[serde(default)]
    pub checks: Vec<String>,
    /// Links to documentation.
    #[serde(default)]
    pub links: Vec<HelpLink>,
}

/// One thing the admin confirms on a checklist step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Unique within the step.
    pub id: String,
    /// The sentence the admin ticks.
    pub label: String,
    /// How to get it done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub help: Option<String>,
}

/// A link to documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpLink {
    /// The link text.
    pub label: String,
    /// An `https://` URL.
    pub url: String,
}

/// How the UI renders a field and which values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// A URL.
    Url,
    /// An LDAP distinguished name.
    Dn,
    /// A password or token: typed once, kept in the secret store, never in the draft.
    Secret,
    /// A whole number within `min`..=`max`.
    Number,
    /// On or off.
    Toggle,
    /// One of `options`.
    Select,
    /// Several lines of text.
    List,
    /// One of `options`, with the directory's email survey beside it.
    EmailAttribute,
    /// OU DNs picked from the directory's OU tree.
    OuTree,
    /// Group names picked from the directory's groups.
    GroupPicker,
}

impl FieldType {
    /// Every type, in declaration order.
    pub const ALL: [FieldType; 11] = [
        Self::Text,
        Self::Url,
        Self::Dn,
        Self::Secret,
        Self::Number,
        Self::Toggle,
        Self::Select,
        Self::List,
        Self::EmailAttribute,
        Self::OuTree,
        Self::GroupPicker,
    ];

    /// The name used in wizard files and in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Url => "url",
            Self::Dn => "dn",
            Self::Secret => "secret",
            Self::Number => "number",
            Self::Toggle => "toggle",
            Self::Select => "select",
            Self::List => "list",
            Self::EmailAttribute => "email_attribute",
            Self::OuTree => "ou_tree",
            Self::GroupPicker => "group_picker",
        }
    }

    /// The form of value the field holds.
    pub fn value_shape(self) -> ValueShape {
        match self {
            Self::Text
            | Self::Url
            | Self::Dn
            | Self::Secret
            | Self::Select
            | Self::EmailAttribute => ValueShape::Text,
            Self::Number => ValueShape::Number,
            Self::Toggle => ValueShape::Toggle,
            Self::List | Self::OuTree | Self::GroupPicker => ValueShape::List,
        }
    }

    /// Whether the field picks one of its `options`.
    pub fn has_options(self) -> bool {
        matches!(self, Self::Select | Self::EmailAttribute)
    }
}

/// The form of a field's value, whatever its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// A string.
    Text,
    /// A whole number.
    Number,
    /// A boolean.
    Toggle,
    /// A list of strings.
    List,
}

impl ValueShape {
    /// How a message names the shape ("expected text").
    pub fn describe(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "a whole number",
            Self::Toggle => "true or false",
            Self::List => "a list of text values",
        }
    }
}

/// A field's value: the initial value in a wizard file, or what the admin entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
#[serde(untagged)]
pub enum DraftValue {
    /// `toggle`.
    Toggle(bool),
    /// `number`.
    Number(i64),
    /// `text`, `url`, `dn`, `select`, `email_attribute`.
    Text(String),
    /// `list`, `ou_tree`, `group_picker`.
    List(Vec<String>),
}

impl DraftValue {
    /// The value's shape.
    pub fn shape(&self) -> ValueShape {
        match self {
            Self::Toggle(_) => ValueShape::Toggle,
            Self::Number(_) => ValueShape::Number,
            Self::Text(_) => ValueShape::Text,
            Self::List(_) => ValueShape::List,
        }
    }
}

/// One choice of a `select` or `email_attribute` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectOption {
    /// The value written to the profile.
    pub value: String,
    /// What the admin sees.
    pub label: String,
}

/// Fill an empty field from what a check observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    /// The check whose result carries the value.
    pub check: String,
    /// The evidence key holding it (`default_naming_context`).
    pub evidence: String,
}

/// One input of a form or save step.
#[derive(Debug, Clone, PartialEq, Serialize, TS, Deserialize)]
#[serde(deny_unknown_fields)]
#[ts(rename = "WizardField")]
pub struct Field {
    /// The dotted profile key (`connection.url`), or `profile.name` for the file name.
    pub key: String,
    /// How the field is rendered and what it accepts.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// The field's label.
    pub label: String,
    /// Explanation under the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub help: Option<String>,
    /// Example text shown in an empty field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub placeholder: Option<String>,
    /// Whether the draft is incomplete without a value.
    #[serde(default)]
    pub required: bool,
    /// The initial value; used when the draft has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub default: Option<DraftValue>,
    /// `select` and `email_attribute`: the choices.
    #[serde(default)]
    pub options: Vec<SelectOption>,
    /// `number`: the smallest accepted value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min: Option<i64>,
    /// `number`: the largest accepted value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max: Option<i64>,
    /// `secret`: the secret is stored as `<profile name>-<secret_suffix>`.
    /// Not sent to the UI, which never handles secret names.
    #[serde(default, skip_serializing)]
    #[ts(skip)]
    pub secret_suffix: Option<String>,
    /// Fill the field from a check's evidence when it is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub propose: Option<Propose>,
}

impl Wizard {
    /// Every field of every step, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.steps.iter().flat_map(|s| &s.fields)
    }

    /// The field with `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().find(|f| f.key == key)
    }

    /// The last step that runs any of the check `ids`: the part of the
    /// wizard a run of those checks needs (see `draft_profile_through`).
    pub fn step_running<S: AsRef<str>>(&self, ids: &[S]) -> Option<&Step> {
        self.steps.iter().rev().find(|s| {
            ids.iter()
                .any(|id| s.checks.iter().any(|c| c == id.as_ref()))
        })
    }

    /// The first step with a field of type `field_type` (the step an OU
    /// tree, group picker or email survey is discovered for).
    pub fn step_with_field(&self, field_type: FieldType) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.fields.iter().any(|f| f.field_type == field_type))
    }
}
