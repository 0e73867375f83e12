/**
 * The console's route table: one entry per top-level page, shown in the navigation in this order.
 * Pages are loaded lazily so the initial bundle holds only the shell and the first page.
 * A page owns every path under its own (`/sensors/bro` belongs to Sensors) and reads the rest of
 * the path itself with `useLocation()`.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface RouteEntry {
  /** Top-level path, e.g. `/alerts`. */
  path: string;
  /** Navigation label. */
  title: string;
  /** Keyboard shortcut shown in the navigation (Alt+key). */
  accessKey: string;
  component: LazyExoticComponent<ComponentType>;
}

export const ROUTES: RouteEntry[] = [
  { path: '/alerts', title: 'Alerts', accessKey: '1', component: lazy(() => import('./pages/alerts/alerts-page.tsx')) },
  { path: '/sensors', title: 'Sensors', accessKey: '2', component: lazy(() => import('./pages/sensors/index.tsx')) },
  { path: '/health', title: 'Health', accessKey: '3', component: lazy(() => import('./pages/health/index.tsx')) },
  { path: '/dashboard', title: 'Dashboard', accessKey: '4', component: lazy(() => import('./pages/dashboard/index.tsx')) },
];

/** Where `/` and unknown paths lead. */
export const HOME = '/alerts';
