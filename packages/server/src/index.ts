export const packageName = '@seattle-energy/server';
