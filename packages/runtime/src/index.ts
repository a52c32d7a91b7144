export const packageName = '@seattle-energy/runtime';
