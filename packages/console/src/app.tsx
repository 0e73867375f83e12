/** The console: the login page until logged in, then the shell with the page of the current path. */
import { Suspense, useEffect } from 'react';
import { Layout } from './layout.tsx';
import LoginPage from './pages/login/login-page.tsx';
import { navigate, pathUnder, useLocation } from './router.ts';
import { HOME, ROUTES } from './routes.ts';
import { SessionProvider, useSession } from './session.tsx';

function CurrentPage() {
  const { pathname } = useLocation();
  const route = ROUTES.find((r) => pathUnder(pathname, r.path));
  useEffect(() => {
    if (!route) navigate(HOME, true);
  }, [route]);
  useEffect(() => {
    if (route) document.title = `${route.title} · Metron`;
  }, [route]);
  if (!route) return null;
  const Page = route.component;
  return (
    <Suspense fallback={<p className="loading" role="status">Loading…</p>}>
      <Page />
    </Suspense>
  );
}

function Gate() {
  const { user } = useSession();
  if (user === undefined) return <p className="loading" role="status">Loading…</p>;
  if (user === null) return <LoginPage />;
  return (
    <Layout>
      <CurrentPage />
    </Layout>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}
