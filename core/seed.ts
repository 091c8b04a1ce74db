/**
 * The local demo login that `npm start` seeds through the app's own signup API
 * (scripts/lib/seed.mjs repeats these values; the browser tests sign in with them).
 */
export const LOCAL_DEMO_USER = {
  email: 'demo@genericcorp.local',
  password: 'demo-password-2026',
  name: 'Dana Demo',
} as const;
export const LOCAL_DEMO_ORG = { name: 'Acme Robotics', slug: 'acme' } as const;
