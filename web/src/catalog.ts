// The catalog as GET /api/catalog gives it (the same as `aifabric catalog --json`), fetched once per page load
// and shared by the pages: the switch, NIC and scenario pickers list what this server's catalog holds.
import { useEffect, useState } from 'react';
import { api } from './api.ts';

export interface CatalogSwitch {
  id: string;
  name: string;
  roles?: string[];
}
export interface CatalogNic {
  id: string;
  name: string;
  speedBps?: number;
}
export interface CatalogJson {
  switches: CatalogSwitch[];
  nics: CatalogNic[];
  scenarios: string[];
}

let loading: Promise<CatalogJson> | undefined;

export function useCatalog(): { catalog?: CatalogJson; error?: string } {
  const [state, setState] = useState<{ catalog?: CatalogJson; error?: string }>({});
  useEffect(() => {
    loading ??= api<CatalogJson>('/api/catalog');
    let live = true;
    loading.then(
      (catalog) => live && setState({ catalog }),
      (e: Error) => live && setState({ error: e.message }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** The value, once it has stopped changing for `ms` (the forms ask the server after typing pauses). */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}
