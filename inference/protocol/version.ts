/** Version of the ZeroMQ contract between capture, the inference daemon and the appliance. */
export const PROTOCOL_VERSION = 2;
