/**
 * The version of the compute-driver contract this package defines.
 *
 * Drivers declare the range of contract versions they implement in their
 * manifest; the loader refuses a driver whose range does not include this
 * version. It moves with this package's own version: a minor release adds
 * optional surface, a major release may remove or change it.
 *
 * @public
 */
export const CONTRACT_VERSION = "1.1.0";
