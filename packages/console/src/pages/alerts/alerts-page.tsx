/** The alerts page (being built). */
export default function AlertsPage() {
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">Alerts</h1>
    </section>
  );
}
