// The quickstart in Go, through the native plugin `atlasstreams` (see Pulumi.yaml).
//
// Stack config (all optional):
//
//	projectId      the Atlas project id (default 6650f1a2b3c4d5e6f7a8b9c0, the emulator's)
//	workspaceName  the stream workspace (default demo-workspace)
//	processors     the processors kept at desiredState (default ["orders", "payments"])
//	desiredState   STARTED or STOPPED (default STARTED); any other value is refused at preview
//	keepStopped    existing processors kept STOPPED, e.g. one adopted with `pulumi import`
//	minWatts       the threshold of high-watts's $match stage (default 250)
package main

import (
	"errors"
	"fmt"

	"github.com/pulumi-atlas-stream-processor/sdk/go/atlasstreams"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		projectId := cfg.Get("projectId")
		if projectId == "" {
			projectId = "6650f1a2b3c4d5e6f7a8b9c0"
		}
		workspaceName := cfg.Get("workspaceName")
		if workspaceName == "" {
			workspaceName = "demo-workspace"
		}
		processors := []string{"orders", "payments"}
		if err := cfg.TryObject("processors", &processors); err != nil && !errors.Is(err, config.ErrMissingVar) {
			return err
		}
		desiredState := cfg.Get("desiredState")
		if desiredState == "" {
			desiredState = "STARTED"
		}
		var keepStopped []string
		if err := cfg.TryObject("keepStopped", &keepStopped); err != nil && !errors.Is(err, config.ErrMissingVar) {
			return err
		}
		minWatts, err := cfg.TryInt("minWatts")
		if errors.Is(err, config.ErrMissingVar) {
			minWatts = 250
		} else if err != nil {
			return err
		}

		states := pulumi.StringMap{}
		keep := func(name, state string) error {
			sp, err := atlasstreams.NewStreamProcessor(ctx, name, &atlasstreams.StreamProcessorArgs{
				ProjectId:     pulumi.String(projectId),
				WorkspaceName: pulumi.String(workspaceName),
				ProcessorName: pulumi.String(name),
				State:         pulumi.String(state),
			})
			if err != nil {
				return err
			}
			states[name] = sp.State
			return nil
		}
		for _, name := range processors {
			if err := keep(name, desiredState); err != nil {
				return err
			}
		}
		for _, name := range keepStopped {
			if err := keep(name, "STOPPED"); err != nil {
				return err
			}
		}

		// A processor owned from its pipeline: JSON text, so its keys reach Atlas in the order
		// written ($sort's order is its meaning). Created if missing; a change of the text is
		// applied stop -> modify -> restart.
		highWatts, err := atlasstreams.NewStreamProcessor(ctx, "high-watts", &atlasstreams.StreamProcessorArgs{
			ProjectId:     pulumi.String(projectId),
			WorkspaceName: pulumi.String(workspaceName),
			ProcessorName: pulumi.String("high-watts"),
			Pipeline: pulumi.String(fmt.Sprintf(`[
  {"$source": {"connectionName": "sample_stream_solar"}},
  {"$match": {"obs.watts": {"$gt": %d}}},
  {"$sort": {"obs.watts": -1, "device_id": 1}},
  {"$emit": {"connectionName": "__testLog"}}
]`, minWatts)),
		})
		if err != nil {
			return err
		}

		// The state Atlas reported for each processor at the last up or refresh.
		ctx.Export("states", states)
		ctx.Export("highWattsState", highWatts.State)
		ctx.Export("highWattsCreated", highWatts.CreatedByResource)
		return nil
	})
}
