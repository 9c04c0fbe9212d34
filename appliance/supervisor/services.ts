/** The appliance's three services, in one place for `npm start`, the benchmarks and the tests. */
import type { ServiceSpec } from './supervisor.ts';

export type ServiceName = 'capture' | 'inference' | 'appliance';

/** `common` goes to every service; `own` adds variables for one service. */
export function applianceServices(
  common: Readonly<Record<string, string>> = {},
  own: Partial<Record<ServiceName, Readonly<Record<string, string>>>> = {},
): ServiceSpec[] {
  const entries: Record<ServiceName, string> = {
    capture: 'capture/main.ts',
    inference: 'inference/main.ts',
    appliance: 'appliance/main.ts',
  };
  // The inference daemon is the critical path of every frame; capture's heaviest work (rendering
  // the synthetic phantom) yields to it on a small box.
  const nice: Record<ServiceName, number> = { capture: 5, inference: 0, appliance: 0 };
  return (Object.keys(entries) as ServiceName[]).map((name) => ({
    name,
    entry: entries[name],
    env: { ...common, ...own[name] },
    nice: nice[name],
  }));
}
