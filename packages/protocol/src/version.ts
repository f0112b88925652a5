/** Version of Parley's wire protocol; bump on any change to frames or their meaning. */
export const PROTOCOL_VERSION = 1;
