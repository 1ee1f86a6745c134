// Data the fake backend answers with: shaped exactly like ui/src/types.ts.

const field = (key, type, label, extra = {}) => ({ key, type, label, required: false, options: [], ...extra });
const step = (id, kind, title, extra = {}) => ({ id, kind, title, intro: '', items: [], fields: [], checks: [], links: [], ...extra });

/** A wizard with every field type and every step kind, shaped like the AD one. */
export const WIZARD = {
  id: 'test-ad',
  kind: 'ad',
  title: 'Active Directory to the platform',
  summary: 'Sync users and groups from Active Directory.',
  steps: [
    step('prerequisites', 'checklist', 'Before you start', {
      intro: 'What the setup needs.\n\nTick each item once it is true.',
      items: [
        { id: 'account', label: 'A read-only service account exists', help: 'Any domain user can read the directory.' },
        { id: 'token', label: 'A SCIM token is at hand' },
      ],
      links: [{ label: 'Service accounts', url: 'https://example.invalid/docs/service-accounts' }],
    }),
    step('connection', 'form', 'Connect to the directory', {
      fields: [
        field('profile.name', 'text', 'Profile name', { required: true, help: 'The file name: letters, digits and dashes.' }),
        field('display_name', 'text', 'Display name'),
        field('connection.url', 'url', 'Server URL', { required: true, placeholder: 'ldaps://dc1.corp.example:636' }),
        field('connection.starttls', 'toggle', 'Use StartTLS', { default: false }),
        field('connection.bind_dn', 'dn', 'Bind DN', { required: true }),
        field('connection.bind_password_secret', 'secret', 'Bind password', { required: true }),
        field('connection.ca_file', 'text', 'CA file'),
        field('connection.base_dn', 'dn', 'Base DN', {
          required: true,
          propose: { check: 'ldap.rootdse', evidence: 'default_naming_context' },
        }),
      ],
      checks: ['ldap.reachability', 'ldap.rootdse'],
    }),
    step('security', 'form', 'Security', { checks: ['ldap.signing', 'ldap.tls'] }),
    step('email', 'form', 'E-mail address', {
      fields: [
        field('sync.email_attribute', 'email_attribute', 'E-mail attribute', {
          required: true,
          default: 'mail',
          options: [
            { value: 'mail', label: 'mail' },
            { value: 'userPrincipalName', label: 'userPrincipalName' },
          ],
        }),
      ],
    }),
    step('scope', 'form', 'Who is synced', {
      fields: [
        field('sync.excluded_ous', 'ou_tree', 'Excluded OUs'),
        field('sync.user_filter', 'text', 'Extra user filter'),
        field('sync.extra_attributes', 'list', 'Extra attributes'),
      ],
    }),
    step('groups', 'form', 'Groups', {
      fields: [
        field('sync.groups', 'group_picker', 'Groups to sync', { required: true }),
        field('sync.admin_groups', 'group_picker', 'Admin groups'),
      ],
    }),
    step('mapping', 'form', 'Mapping', {
      fields: [
        field('sync.max_tag_length', 'number', 'Longest tag', { required: true, min: 1, max: 256, default: 64 }),
        field('sync.deprovision', 'select', 'When a user leaves', {
          required: true,
          default: 'deactivate',
          options: [
            { value: 'deactivate', label: 'Deactivate' },
            { value: 'delete', label: 'Delete' },
          ],
        }),
      ],
    }),
    step('schedule', 'form', 'Schedule', {
      fields: [
        field('schedule.enabled', 'toggle', 'Sync on a schedule', { default: true }),
        field('schedule.interval_minutes', 'number', 'Every (minutes)', { min: 5, max: 1440, default: 60 }),
      ],
    }),
    step('preview', 'preview', 'Preview'),
    step('save', 'save', 'Save'),
  ],
};

export const WIZARDS = [
  { id: 'test-ad', kind: 'ad', title: WIZARD.title, summary: WIZARD.summary },
  { id: 'test-ldap', kind: 'ldap', title: 'OpenLDAP to the platform', summary: 'Sync from any LDAP server.' },
];

export const BASE_DN = 'DC=corp,DC=example';

/** Check results by id; `fail` ones have remediation. */
export function checkResult(id, status = 'pass') {
  const base = { id, status, summary: `${id} ${status}` };
  if (id === 'ldap.rootdse') {
    return { ...base, evidence: [{ key: 'default_naming_context', value: BASE_DN }, { key: 'dns_host_name', value: 'dc1.corp.example' }] };
  }
  if (id === 'ldap.signing' && status === 'fail') {
    return {
      ...base,
      summary: 'The server does not require LDAP signing',
      details: 'A simple bind without signing was accepted.',
      evidence: [{ key: 'result_code', value: '0 (success)' }],
      remediation: [
        'Open Group Policy Management on a domain controller.',
        'Set "Domain controller: LDAP server signing requirements" to "Require signing".',
      ],
    };
  }
  return base;
}

export const OUS = [
  {
    dn: 'OU=Staff,DC=corp,DC=example',
    name: 'Staff',
    kind: 'ou',
    direct_users: 2,
    total_users: 40,
    excluded: false,
    children: [
      { dn: 'OU=Sales,OU=Staff,DC=corp,DC=example', name: 'Sales', kind: 'ou', direct_users: 12, total_users: 12, excluded: false, children: [] },
      {
        dn: 'OU=Contractors,OU=Staff,DC=corp,DC=example',
        name: 'Contractors',
        kind: 'ou',
        direct_users: 26,
        total_users: 26,
        excluded: false,
        children: [],
      },
    ],
  },
  { dn: 'OU=Service,DC=corp,DC=example', name: 'Service', kind: 'ou', direct_users: 5, total_users: 5, excluded: false, children: [] },
];

export const GROUPS = [
  { dn: 'CN=Sales,OU=Groups,DC=corp,DC=example', name: 'Sales', member_count: 12, description: 'Everyone in sales', name_too_long_for_tag: false },
  { dn: 'CN=IT Admins,OU=Groups,DC=corp,DC=example', name: 'IT Admins', member_count: 3, description: null, name_too_long_for_tag: false },
  {
    dn: 'CN=Regional Sales Operations Europe Middle East Africa,OU=Groups,DC=corp,DC=example',
    name: 'Regional Sales Operations Europe Middle East Africa',
    member_count: 7,
    description: 'EMEA',
    name_too_long_for_tag: true,
  },
];

export function emailReport(attribute) {
  return {
    attribute,
    users: 45,
    mail_only: 3,
    upn_only: 4,
    both_same: 30,
    both_different: 6,
    neither: 2,
    eligible: attribute === 'mail' ? 39 : 40,
    skipped: [{ anchor: 'g1', dn: 'CN=Svc Backup,OU=Service,DC=corp,DC=example', reason: `no ${attribute}` }],
  };
}

const user = (anchor, name, extra = {}) => ({
  anchor,
  user_name: name,
  email: `${name}@corp.example`,
  given_name: null,
  family_name: null,
  display_name: name.toUpperCase(),
  phone: null,
  department: null,
  active: true,
  admin: false,
  tags: [],
  ...extra,
});

export const PLAN = {
  creates: [user('a1', 'alice', { admin: true, tags: ['Sales'] }), user('a2', 'bob')],
  updates: [{ anchor: 'a3', target_id: 't3', changes: [{ attribute: 'email', from: 'carol@old.example', to: 'carol@corp.example' }], desired: user('a3', 'carol') }],
  deprovisions: [{ anchor: 'a4', target_id: 't4', user_name: 'dave', action: 'deactivate' }],
  preserved: [],
  group_creates: [{ anchor: 'g1', display_name: 'Sales', members: ['a1'] }],
  group_changes: [],
  skipped: [{ anchor: 'a5', dn: 'CN=Eve,OU=Staff,DC=corp,DC=example', reason: 'no mail attribute' }],
  notices: ['2 users have the same e-mail address; the first one is synced.'],
};

export const summary = (extra = {}) => ({ created: 0, updated: 0, deprovisioned: 0, groups_changed: 0, failed: 0, skipped: 0, ...extra });

export function run(id, profile, state, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { id, profile, mode: 'apply', state, started_at: now - 600, finished_at: now - 540, summary: summary(), message: null, ...extra };
}

export function profile(name, health, extra = {}) {
  return {
    name,
    path: `/profiles/${name}.toml`,
    displayName: `${name} display`,
    kind: 'ad',
    kindLabel: 'Active Directory',
    schedule: { enabled: true, intervalMinutes: 15 },
    health,
    lastRun: null,
    nextRunAt: null,
    running: false,
    ...extra,
  };
}
