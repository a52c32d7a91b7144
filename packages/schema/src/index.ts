export const packageName = '@seattle-energy/schema';
