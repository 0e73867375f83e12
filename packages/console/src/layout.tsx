/**
 * The app shell: a header with the navigation (from the route table), the user and logout; the
 * page; a footer with the attributions the shipped data needs (DB-IP Lite, CC BY 4.0).
 */
import type { MouseEvent, ReactNode } from 'react';
import { navigate, pathUnder, useLocation } from './router.ts';
import { ROUTES } from './routes.ts';
import { useSession } from './session.tsx';

/** A link that navigates in the app without reloading (ctrl/cmd-click still opens a new tab). */
export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined; accessKey?: string; title?: string }) {
  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  const { user, logout } = useSession();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand">Metron</span>
        <nav aria-label="Main">
          <ul>
            {ROUTES.map((route) => {
              const current = pathUnder(pathname, route.path);
              return (
                <li key={route.path}>
                  <Link to={route.path} className={current ? 'active' : undefined} aria-current={current ? 'page' : undefined} accessKey={route.accessKey} title={`${route.title} (Alt+${route.accessKey})`}>
                    {route.title}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <span className="spacer" />
        <span className="user" aria-label="Logged in as">{user}</span>
        <button type="button" onClick={() => void logout()}>Log out</button>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <span>Metron (TypeScript)</span>
        <span>
          <a href="https://db-ip.com" rel="noreferrer noopener" target="_blank">IP Geolocation by DB-IP</a>
          {' '}(<a href="https://creativecommons.org/licenses/by/4.0/" rel="noreferrer noopener" target="_blank">CC BY 4.0</a>)
        </span>
      </footer>
    </div>
  );
}
