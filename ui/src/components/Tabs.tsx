// Accessible tabs: a tablist of buttons (arrow keys, Home and End move
// between them) and the selected panel.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/** One tab. */
export interface Tab {
  id: string;
  label: string;
  render: () => ComponentChildren;
}

/** Tabs with the first selected. */
export function Tabs({ label, tabs }: { label: string; tabs: Tab[] }) {
  const [selected, setSelected] = useState(tabs[0]?.id ?? '');
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  const move = (from: number, to: number) => {
    const target = tabs[(to + tabs.length) % tabs.length];
    if (target === undefined || from === to) return;
    setSelected(target.id);
    document.getElementById(`tab-${target.id}`)?.focus();
  };
  const onKey = (e: KeyboardEvent, i: number) => {
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(i, to);
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((t, i) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            data-tab={t.id}
            aria-selected={t.id === current?.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === current?.id ? 0 : -1}
            onClick={() => setSelected(t.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {current !== undefined && (
        <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`} tabIndex={0}>
          {current.render()}
        </div>
      )}
    </div>
  );
}
