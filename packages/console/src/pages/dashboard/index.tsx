/** Placeholder of the Dashboard page; the page itself is built in this folder (see routes.ts). */
export default function DashboardPage() {
  return (
    <section className="page placeholder" aria-labelledby="page-title">
      <h1 id="page-title">Dashboard</h1>
      <p>Not built yet.</p>
    </section>
  );
}
