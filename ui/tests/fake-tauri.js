// Injected into the page before the app loads (page.addInitScript): the
// parts of `window.__TAURI_INTERNALS__` that @tauri-apps/api 2.x calls —
// invoke, transformCallback / unregisterCallback / runCallback (channels and
// event handlers), and the event plugin's listen/unlisten — with every other
// command forwarded to the scripted backend in Node (window.__onrampBackend,
// bound with page.exposeFunction). Arguments cross as JSON, as they do in the
// real IPC, so a Channel arrives as "__CHANNEL__:<id>".
(() => {
  const callbacks = new Map();
  let nextCallback = 1;
  const listeners = new Map();
  let nextEventId = 1;

  function transformCallback(callback, once = false) {
    const id = nextCallback++;
    callbacks.set(id, (data) => {
      if (once) callbacks.delete(id);
      return callback && callback(data);
    });
    return id;
  }
  function unregisterCallback(id) {
    callbacks.delete(id);
  }
  function runCallback(id, data) {
    const callback = callbacks.get(id);
    if (!callback) throw new Error(`fake tauri: no callback ${id}`);
    callback(data);
  }

  async function invoke(cmd, args = {}, _options) {
    if (cmd === 'plugin:event|listen') {
      const eventId = nextEventId++;
      const list = listeners.get(args.event) ?? [];
      list.push({ eventId, handler: args.handler });
      listeners.set(args.event, list);
      return eventId;
    }
    if (cmd === 'plugin:event|unlisten') {
      const list = listeners.get(args.event) ?? [];
      listeners.set(args.event, list.filter((l) => l.eventId !== args.eventId));
      return null;
    }
    const wire = JSON.parse(JSON.stringify(args));
    const answer = await window.__onrampBackend(cmd, wire);
    if (answer.ok) return answer.value;
    throw answer.error;
  }

  window.__TAURI_INTERNALS__ = {
    invoke,
    transformCallback,
    unregisterCallback,
    runCallback,
    callbacks,
    convertFileSrc: (path) => path,
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = {
    unregisterListener: (event, eventId) => {
      const list = listeners.get(event) ?? [];
      listeners.set(event, list.filter((l) => l.eventId !== eventId));
    },
  };
  /** Test hook: emits a shell event to the listeners; returns how many got it. */
  window.__fakeEmit = (event, payload) => {
    const list = listeners.get(event) ?? [];
    for (const l of list) runCallback(l.handler, { event, id: l.eventId, payload });
    return list.length;
  };
  /** Test hook: the events something listens to. */
  window.__fakeListened = () => [...listeners.entries()].filter(([, l]) => l.length > 0).map(([e]) => e);
})();
