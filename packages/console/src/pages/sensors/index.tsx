/**
 * The Sensors page: `/sensors` lists the sensors with live rates; `/sensors/<name>` edits one
 * sensor's parser, enrichment, triage and indexing configs (forms or JSON, saved and applied live)
 * and tests raw samples through the production pipeline steps.
 */
import { useEffect, useState } from 'react';
import { useLocation } from '../../router.ts';
import { isAdmin } from './sensor-api.ts';
import { SensorDetail } from './sensor-detail.tsx';
import { SensorList } from './sensor-list.tsx';
import './sensors.css';

export default function SensorsPage() {
  const { pathname } = useLocation();
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    isAdmin().then(setAdmin, () => setAdmin(false));
  }, []);
  const rest = pathname.replace(/^\/sensors\/?/, '');
  if (rest === '') return <SensorList admin={admin} />;
  const name = decodeURIComponent(rest.split('/')[0] ?? '');
  return <SensorDetail key={name} name={name} admin={admin} />;
}
