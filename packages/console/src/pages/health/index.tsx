/** Placeholder of the Health page; the page itself is built in this folder (see routes.ts). */
export default function HealthPage() {
  return (
    <section className="page placeholder" aria-labelledby="page-title">
      <h1 id="page-title">Health</h1>
      <p>Not built yet.</p>
    </section>
  );
}
