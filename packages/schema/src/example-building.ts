import type { Building } from './building-type.js';

/**
 * A real building from the city's 2016 benchmarking data (OSEBuildingID 1, the Mayflower Park Hotel at 405 Olive Way),
 * in the API's field names. It measured 7,226,362.5 kBtu of site energy and 249.98 t CO2e that year.
 * `usesSteam` and `usesNaturalGas` are true because its 2016 steam and gas use were above zero.
 *
 * @example
 * validateBuilding(exampleBuilding).ok // true
 */
export const exampleBuilding: Readonly<Building> = Object.freeze({
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
  buildingType: 'NonResidential',
  numberOfBuildings: 1,
  propertyGfaParking: 0,
  largestPropertyUseType: 'Hotel',
  largestPropertyUseTypeGfa: 88434,
  latitude: 47.6122,
  longitude: -122.33799,
  energyStarScore: 60,
  usesSteam: true,
  usesNaturalGas: true,
});
