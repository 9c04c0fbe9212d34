/**
 * `npm start`: will supervise capture → inference → appliance (the live-loop issue). Until that
 * lands it says so plainly and exits non-zero rather than pretending to run.
 */
console.error(
  'npm start: the live loop (capture → inference daemon → appliance server) is not built yet (NOT_IMPLEMENTED).\n' +
    'Available now: npm run eval, npm run models:import, npm run models:build, npm run bench:model (see README.md).',
);
process.exit(2);
