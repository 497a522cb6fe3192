DROP INDEX "flags_quantity";--> statement-breakpoint
CREATE INDEX "flags_severity_order" ON "flags" USING btree ((case "severity" when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end),("quantity_at_risk"::float8),"id");--> statement-breakpoint
CREATE INDEX "flags_quantity_order" ON "flags" USING btree (("quantity_at_risk"::float8),"id");