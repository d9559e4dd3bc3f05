// Keeps MongoDB Atlas stream processors running (or stopped, or defined from a pipeline) through the Atlas Admin API v2, with safe retries, both Atlas auth schemes and drift detection; reads processors and their statistics.
package atlasstreams
