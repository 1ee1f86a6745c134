// The window's views. Navigation is plain state in App (no URL router): the
// shell opens one window at one page, and events name views directly.

/** Where the window is. */
export type Route =
  | { view: 'dashboard' }
  | { view: 'new' }
  | { view: 'wizard' }
  | { view: 'history'; profile: string | null }
  | { view: 'run'; runId: number; profile: string | null }
  | { view: 'credential'; profile: string; item: string }
  | { view: 'logs' }
  | { view: 'settings' };

/** Changes the view. */
export type Navigate = (route: Route) => void;
