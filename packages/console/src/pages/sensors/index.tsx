/** Placeholder of the Sensors page; the page itself is built in this folder (see routes.ts). */
export default function SensorsPage() {
  return (
    <section className="page placeholder" aria-labelledby="page-title">
      <h1 id="page-title">Sensors</h1>
      <p>Not built yet.</p>
    </section>
  );
}
